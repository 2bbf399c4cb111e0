"""The anonymous rate limit of the open-data API (DRF throttling).

Rates are read from the settings on each request (``PORTAL_API_RATE``,
``PORTAL_API_DOWNLOAD_RATE``), so a test can override them; the client is identified by
``core.client_ip`` (behind the TLS proxy, the client's address, not the proxy's).
"""

import ipaddress

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import Throttled
from rest_framework.throttling import AnonRateThrottle

from core.client_ip import client_ip


class PublicRateThrottle(AnonRateThrottle):
    scope = "api"
    setting = "PORTAL_API_RATE"
    # Shared by every web worker when it is Redis (settings: PORTAL_CACHE_URL).
    cache = caches["throttle"]

    def get_rate(self):
        return getattr(settings, self.setting)

    def get_ident(self, request):
        """The client's address; an IPv6 client by its /64 (one subscriber's network:
        a host picks any address in it, which would give it a budget per address)."""
        address = client_ip(request)
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return address
        if parsed.version == 6 and parsed.ipv4_mapped is None:
            return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
        return address

    def get_cache_key(self, request, view):
        # Every caller is anonymous (the API has no authentication).
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class DownloadRateThrottle(PublicRateThrottle):
    """The bulk download of the registry, built on each request: a lower rate."""

    scope = "registry-download"
    setting = "PORTAL_API_DOWNLOAD_RATE"


class VerifyRateThrottle(PublicRateThrottle):
    """Lookups on the public verification page (/verify/): with 60-bit codes, this is what
    makes finding a document by trying codes hopeless (core.verification)."""

    scope = "verify"
    setting = "PORTAL_VERIFY_RATE"


def refused(throttle: PublicRateThrottle, request, message) -> HttpResponse | None:
    """For a page outside the API: None while ``request`` is within the throttle's rate,
    else a plain 429 in the reader's language; ``message`` takes ``%(wait)d`` seconds."""
    if throttle.allow_request(request, None):
        return None
    wait = int(throttle.wait() or 1)
    response = HttpResponse(
        message % {"wait": wait}, status=429, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(wait)
    return response


class TooManyRequests(Throttled):
    default_detail = _("请求过于频繁，已超过开放数据接口的访问频率限制。")
    extra_detail_singular = _("请在 {wait} 秒后重试。")
    extra_detail_plural = _("请在 {wait} 秒后重试。")
