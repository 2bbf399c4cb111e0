"""Every form posted with hypothesis-generated input as each role: never a server error.

Also every list page with fuzzed filters. See docs/fuzzing.md for what is fuzzed, how to
run a longer random campaign, and what to do when a case fails.
"""

from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import given, note
from hypothesis import strategies as st

from .conftest import (
    EXAMPLES,
    ROLES,
    describe_500,
    fuzz_settings,
    is_refused,
    send,
    shorten,
    signature,
)
from .endpoints import PAGES, POSTS, READ_ONLY, SKIPPED_PREFIXES
from .strategies import form_data

# 500s already reported to the lead developer: (URL name, exception, where) → issue text.
# The fuzz cases skip over exactly these; each has an xfail(strict) case below that fails
# loudly (XPASS) once it is fixed, so this entry and that case are then removed.
KNOWN_500 = {
    ("supervision:summary_new", "NoReverseMatch", "supervision/views_summaries.py:back"): (
        "a `next` (or Referer) without '/' or '.' is taken by redirect() for a view name"
    ),
    ("subsidies:criteria_edit", "ValueError", "subsidies/views_rounds.py:criteria_edit"): (
        "add_row with a criteria-TOTAL_FORMS that is not a number: int() unguarded"
    ),
    ("portal:export_new", "DataError", "portal/views_exports.py:_start"): (
        "a filter value with a NUL byte is stored in ExportJob.params (jsonb refuses \\u0000)"
    ),
}


# --- Inventory ---------------------------------------------------------------------------


def url_names(resolvers=None, prefix="", namespace=""):
    """(route, namespaced name) of every URL pattern, recursively."""
    found = []
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            found += url_names(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            found.append((route, name))
    return found


def test_every_url_is_fuzzed_or_known_to_take_no_form():
    covered = {e.url_name for e in POSTS} | {p.url_name for p in PAGES} | READ_ONLY
    routes = [
        (route, name)
        for route, name in url_names()
        if not route.startswith(SKIPPED_PREFIXES) and not route.startswith("^static")
    ]
    assert len(routes) > 100
    missing = sorted(
        f"{name or '(unnamed)'}  {route}" for route, name in routes if name not in covered
    )
    assert not missing, (
        "URLs neither fuzzed nor listed as read-only in tests/fuzz/endpoints.py:\n  "
        + "\n  ".join(missing)
    )
    names = {name for _route, name in routes}
    stale = sorted(covered - names)
    assert not stale, f"tests/fuzz/endpoints.py lists URLs that no longer exist: {stale}"


# --- Helpers -----------------------------------------------------------------------------


def bogus(target: dict) -> list[dict]:
    """The primary target with every numeric argument replaced by a key that does not
    exist, and by one past any database integer."""
    numeric = [key for key, value in target.items() if isinstance(value, int)]
    if not numeric:
        return []
    return [
        {**target, **dict.fromkeys(numeric, 999_999_999)},
        {**target, **dict.fromkeys(numeric, 10**20)},
    ]


def urls_of(endpoint, world) -> list[str]:
    targets = endpoint.targets(world)
    return [reverse(endpoint.url_name, kwargs=t) for t in targets + bogus(targets[0])]


def url_strategy(urls):
    """Mostly the primary target, sometimes another one."""
    if len(urls) == 1:
        return st.just(urls[0])
    return st.integers(0, 3).flatmap(
        lambda n: st.sampled_from(urls[1:]) if n == 0 else st.just(urls[0])
    )


def urlencoded(data: dict) -> str:
    """The payload as a urlencoded body (files sent by name)."""

    def flat(value):
        if isinstance(value, list):
            return [flat(v) for v in value]
        return value.name if hasattr(value, "read") else value

    return urlencode({key: flat(value) for key, value in data.items()}, doseq=True)


def check(response, *, url_name, url, role, payload, method="POST"):
    if response.status_code < 500:
        return
    key = (url_name, *signature(getattr(response, "exc_info", None)))
    if key in KNOWN_500:
        note(f"known server error: {KNOWN_500[key]}")
        return
    raise AssertionError(describe_500(response, method=method, url=url, role=role, payload=payload))


def examples_for(probe, user) -> int:
    return max(2, EXAMPLES // 4) if is_refused(probe, user) else EXAMPLES


# --- POST: every form, every role ------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", POSTS, ids=lambda e: e.test_id)
def test_post_never_500(endpoint, role, world, client_as):
    client, user = client_as(role), world.users[role]
    urls = urls_of(endpoint, world)
    fields = endpoint.fields(world)
    prepare = endpoint.prepare(world) if endpoint.prepare else None

    def post(url, data, encoding):
        def request(c):
            if prepare:
                c.get(prepare)
            if encoding == "urlencoded":
                return c.post(
                    url, urlencoded(data), content_type="application/x-www-form-urlencoded"
                )
            return c.post(url, data)

        return send(client, request)

    probe = post(urls[0], {}, "multipart")
    check(probe, url_name=endpoint.url_name, url=urls[0], role=role, payload={})

    @fuzz_settings(examples_for(probe, user))
    @given(
        url=url_strategy(urls),
        data=form_data(fields),
        encoding=st.sampled_from(["multipart", "multipart", "urlencoded"]),
    )
    def fuzz(url, data, encoding):
        note(f"POST {url} as {role} ({encoding}): {shorten(data)}")
        response = post(url, data, encoding)
        check(response, url_name=endpoint.url_name, url=url, role=role, payload=data)

    fuzz()


# --- GET: list pages with fuzzed filters ------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("listing", PAGES, ids=lambda p: p.test_id)
def test_list_page_never_500(listing, role, world, client_as):
    client, user = client_as(role), world.users[role]
    url = reverse(listing.url_name)
    params = listing.params(world)
    probe = send(client, lambda c: c.get(url))
    check(probe, url_name=listing.url_name, url=url, role=role, payload={}, method="GET")

    @fuzz_settings(examples_for(probe, user))
    @given(query=form_data(params))
    def fuzz(query):
        note(f"GET {url} as {role}: {shorten(query)}")
        query = {k: v for k, v in query.items() if not hasattr(v, "read")}
        response = send(client, lambda c: c.get(url, query))
        check(response, url_name=listing.url_name, url=url, role=role, payload=query, method="GET")

    fuzz()
