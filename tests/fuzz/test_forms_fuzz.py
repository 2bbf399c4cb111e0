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

# 500s found by this fuzzing and not fixed yet, by (URL name, exception, innermost frame
# outside Django: see conftest.signature): the fuzz cases step over exactly these. Empty:
# the eight found so far are fixed and stay as regression cases in REPORTED below.
KNOWN_500: dict = {}

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
    covered = {e.url_name for e in POSTS} | {p.url_name for p in PAGES} | set(READ_ONLY)
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


def urlencoded(data: dict, charset: str = "utf-8") -> str:
    """The payload as a urlencoded body (files sent by name); ``charset`` other than UTF-8
    is what an old client posting GB18030 sends."""

    def flat(value):
        if isinstance(value, list):
            return [flat(v) for v in value]
        return value.name if hasattr(value, "read") else value

    body = {key: flat(value) for key, value in data.items()}
    return urlencode(body, doseq=True, encoding=charset)


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

    def post(url, data, encoding, follow=True):
        """POST, then GET the page it redirects to: a record saved with a bad value must
        not break the page that shows it."""

        def request(c):
            if prepare:
                c.get(prepare)
            if encoding in ("urlencoded", "gb18030"):
                body = urlencoded(data, "utf-8" if encoding == "urlencoded" else encoding)
                kind = "application/x-www-form-urlencoded"
                return c.post(url, body, content_type=kind, follow=follow)
            return c.post(url, data, follow=follow)

        return send(client, request)

    # Without following redirects: whether the view turned the role away.
    probe = post(urls[0], {}, "multipart", follow=False)
    check(probe, url_name=endpoint.url_name, url=urls[0], role=role, payload={})

    @fuzz_settings(examples_for(probe, user))
    @given(
        url=url_strategy(urls),
        data=form_data(fields),
        encoding=st.sampled_from(["multipart", "multipart", "urlencoded", "gb18030"]),
    )
    def fuzz(url, data, encoding):
        note(f"POST {url} as {role} ({encoding}): {shorten(data)}")
        response = post(url, data, encoding)
        check(response, url_name=endpoint.url_name, url=url, role=role, payload=data)

    fuzz()


# --- POST: each field invalid in turn, the rest valid ------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", POSTS, ids=lambda e: e.test_id)
def test_each_field_invalid_never_500(endpoint, role, world, client_as):
    """Deterministic: every field of the form is sent each bad value of its kind (and left
    out) with every other field valid, so the bad value reaches the view and the service —
    the random campaign above may never draw, say, ``year=abc`` for the export form."""
    client, user = client_as(role), world.users[role]
    url = urls_of(endpoint, world)[0]
    fields = endpoint.fields(world)
    prepare = endpoint.prepare(world) if endpoint.prepare else None

    def post(data):
        def request(c):
            if prepare:
                c.get(prepare)
            return c.post(url, data, follow=True)

        return send(client, request)

    def valid():
        return {name: field.sample() for name, field in fields.items()}

    probe = send(client, lambda c: c.post(url, valid(), follow=False))
    check(probe, url_name=endpoint.url_name, url=url, role=role, payload=valid())
    if is_refused(probe, user) or not fields:
        return  # this role is turned away before the form is read
    for name, field in fields.items():
        for bad in (*field.invalid, None):
            data = valid()
            if bad is None:
                del data[name]
            else:
                data[name] = bad
            response = post(data)
            check(response, url_name=endpoint.url_name, url=url, role=role, payload=data)


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


# --- GET: every other page, as a smoke test -----------------------------------------------

JUNK_QUERY = {"page": "-1", "q": "\x00<script>", "year": "99999", "jurisdiction": "xyz"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(READ_ONLY))
def test_read_only_page_never_500(url_name, role, world, client_as):
    client = client_as(role)
    for target in READ_ONLY[url_name](world):
        url = reverse(url_name, kwargs=target)
        for query in ({}, JUNK_QUERY):
            response = send(client, lambda c, url=url, query=query: c.get(url, query))
            check(response, url_name=url_name, url=url, role=role, payload=query, method="GET")


# --- The 500s found, one case each (see KNOWN_500) -------------------------------------


def reported(url_name, target, role, payload, reason, *, referer="", id=""):
    """One 500 found by the fuzzing: ``reason`` says what it was. While a bug is not fixed
    its case carries ``marks=pytest.mark.xfail(strict=True, reason=reason)``."""
    return pytest.param(
        url_name,
        target,
        role,
        payload,
        referer,
        id=id or f"{url_name}-{role}",
    )


REPORTED = [
    reported(
        "supervision:summary_new",
        lambda w: {"alliance_pk": w.alliance.pk},
        "lead",
        lambda w: {"year": "abc", "next": "abc"},
        "views.common.back(): redirect('abc') raises NoReverseMatch",
    ),
    reported(
        "supervision:summary_new",
        lambda w: {"alliance_pk": w.alliance.pk},
        "lead",
        lambda w: {"year": "abc"},
        "views.common.back(): redirect(<Referer>) raises NoReverseMatch",
        referer="summaries",
        id="supervision:summary_new-lead-referer",
    ),
    reported(
        "subsidies:criteria_edit",
        lambda w: {"pk": w.round_draft.pk},
        "staff",
        lambda w: {"add_row": "1", "criteria-TOTAL_FORMS": "abc"},
        "views_rounds.criteria_edit: int(criteria-TOTAL_FORMS) raises ValueError",
    ),
    reported(
        "portal:export_new",
        lambda w: {},
        "lead",
        lambda w: {"kind": "alliances", "category": "\x00"},
        "views_exports.export_new stores a NUL byte in a jsonb column: DataError",
    ),
    reported(
        "supervision:symposium_attendance",
        lambda w: {"pk": w.symposium.pk},
        "staff",
        lambda w: {
            f"attendance-{w.invitation.pk}": "attended",
            f"attendees-{w.invitation.pk}": "\x00",
        },
        "views.symposia.symposium_attendance saves a NUL byte: ValueError",
    ),
    reported(
        "supervision:liaison_assign",
        lambda w: {"pk": w.alliance.pk},
        "staff",
        lambda w: {"officer": "²"},
        "views.alliances.liaison_assign: '²'.isdigit() but int('²') fails",
    ),
    reported(
        "accounts:login",
        lambda w: {},
        "anonymous",
        lambda w: {"username": "x" * 256, "password": "x"},
        "LoginForm does not limit the username; axes cannot store 256 characters",
    ),
    reported(
        "supervision:symposium_new",
        lambda w: {},
        "staff",
        lambda w: {"title": "座谈会", "starts_at": "0001-01-01T00:00", "location": "保定"},
        "SymposiumForm accepts year 1; the saved row cannot be read back (year 0 in UTC)",
    ),
]


@pytest.mark.parametrize("url_name, target, role, payload, referer", REPORTED)
def test_reported_500_is_fixed(url_name, target, role, payload, referer, world, client_as):
    url = reverse(url_name, kwargs=target(world))
    data = payload(world)
    headers = {"HTTP_REFERER": referer} if referer else {}
    response = send(client_as(role), lambda c: c.post(url, data, follow=True, **headers))
    assert response.status_code < 500, describe_500(
        response, method="POST", url=url, role=role, payload=data
    )


# --- Wording: no select shows Django's "---------" (issue 15, item 14) ------------------


@pytest.mark.parametrize("role", ROLES)
def test_no_page_offers_the_dashes_placeholder(role, world, client_as):
    """Every form and list page each role can open: a select's empty choice reads （请选择）
    in a form and 全部 in a filter, never Django's "---------"."""
    client = client_as(role)
    urls = [reverse(p.url_name) for p in PAGES]
    urls += [u for e in POSTS for u in urls_of(e, world)[:1]]
    for url_name, targets in READ_ONLY.items():
        urls += [reverse(url_name, kwargs=t) for t in targets(world)[:1]]
    shown = []
    for url in urls:
        response = send(client, lambda c, url=url: c.get(url))
        if response.streaming or response.status_code != 200:
            continue
        if b"---------" in response.content:
            shown.append(url)
    assert shown == []
    assert len(urls) > 50
