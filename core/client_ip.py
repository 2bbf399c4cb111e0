"""The address a request came from, as far as it can be trusted.

Behind the documented TLS proxy every request arrives from the proxy's address, so
``REMOTE_ADDR`` alone would make django-axes lock a user name for everyone after five
failures from anywhere. ``PORTAL_TRUSTED_PROXY_COUNT`` says how many proxies of our own
stand in front (0: none, the default). Each appends the address it received the request
from to ``X-Forwarded-For``, so the client is the entry that many places from the right;
anything further left was written by the client and is ignored. A header shorter than
that is not from our proxies: the direct peer is used.
"""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PORTAL_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies][:45]  # at most an IPv6 address
