"""axe-core over every page that every role reaches, in Chinese and in English (issue 17).

Each role's crawl starts from its home page (and, for visitors, the pages only an e-mail
links to) and follows the same-origin links of every page it opens, one URL per URL
pattern and query shape, in Chromium over the fuzzing world (tests/fuzz/conftest.py: a
record in every state). On each page it injects the vendored axe-core, runs the WCAG 2.0
and 2.1 A/AA rules and checks that every table in ``main`` has a caption and header
cells. Zero violations is the bar; the count per rule and the pages checked per role and
language are printed at the end of the run (``pytest_terminal_summary`` in
tests/e2e/conftest.py), passing or not.

Which pages each role must reach is written down in tests/e2e/accessibility_pages.py,
with every other route of the URLconf excluded there for a reason: a page added later
and reached by nobody fails ``test_every_page_is_checked_or_excluded``, and a page a role
no longer reaches fails that role's crawl. See docs/accessibility.md.
"""

import time
from collections import Counter
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from tests.e2e.accessibility_pages import EXCLUDED, REACHED_BY, SEEDS
from tests.fuzz.test_forms_fuzz import url_names

# Loaded from the portal's own static files, as a script of the page's origin: the CSP
# (script-src 'self') stays on while axe runs, as it is for users.
AXE = "/static/vendor/axe-core-4.14.1/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ["zh-hans", "en"]
# More than any role reaches today (the administrator: ~30); a crawl that runs away (a
# link that makes new URLs on every page) stops here and fails the reach check instead.
MAX_PAGES = 120

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    nodes: v.nodes.length,
    first: v.nodes[0].html.slice(0, 160) + ' — ' + (v.nodes[0].failureSummary || '').slice(0, 300),
  }));
}"""

# Every data table says what it is (a caption, visually hidden where a heading already
# shows it) and which cells are headers: axe checks neither when a table has no <th>.
TABLES = """() => Array.from(document.querySelectorAll('main table')).flatMap((t, i) => {
  const problems = [];
  const name = t.id ? '#' + t.id : `main table:nth-of-type(${i + 1})`;
  if (!t.caption || !t.caption.textContent.trim()) problems.push(name + ': no caption');
  const headers = t.querySelectorAll('th');
  if (!headers.length) problems.push(name + ': no header cells');
  if (Array.from(headers).some((th) => !th.getAttribute('scope')))
    problems.push(name + ': a <th> without scope');
  return problems;
})"""

LINKS = """() => Array.from(document.querySelectorAll('a[href]'),
                            (a) => a.href.split('#')[0])"""

# The public pages look the same to everyone (only the navigation bar differs, and it is
# checked on each role's own pages): the visitor's crawl checks them, the others' skip
# them rather than check them seven times over.
PUBLIC = {
    "registry:list",
    "registry:alliance",
    "registry:revocations",
    "subsidies:results",
    "subsidies:round_results",
    "api:docs",
}

# Forms sent empty, to check the page that refuses them: its error summary is announced
# (role="alert") and passes axe like the rest. Empty forms change nothing in the world.
REFUSED_FORMS = {
    "anonymous": [("/accounts/register/", "form[data-testid=registration-form]")],
    "lead": [("/accounts/unit/invite/", "main form[method=post]")],
    "staff": [("/supervision/symposia/new/", "main form[method=post]")],
}

ROLES = [
    "anonymous",
    "lead",
    "county",
    "staff",
    "evaluator",
    "admin",
    "security_admin",
    "auditor",
]


# --- The world and the server ------------------------------------------------------------


@pytest.fixture(scope="module")
def a11y_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The fuzzing world, committed so that the server's thread sees it, served by a live
    server of the module's own (pytest-django's flushes the database after each test;
    building the world for each of the 16 crawls would cost more than the crawls), and
    the session cookie of each role. The database is flushed when the module ends."""
    from pytest_django.live_server_helper import LiveServer

    from tests.fuzz.conftest import build_world

    media = tmp_path_factory.mktemp("a11y-private")
    overrides = override_settings(
        STORAGES={
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(media), "base_url": None},
            },
        },
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        PORTAL_2FA_REQUIRED_ROLES=[],
    )
    with overrides, django_db_blocker.unblock():
        try:
            # Also before: a run killed halfway (--reuse-db) leaves its world behind.
            call_command("flush", interactive=False, verbosity=0)
            world = build_world()
            admin_records()
            cookies = {}
            for role in ROLES:
                user = world.users[role]
                if user is not None:
                    client = Client()
                    client.force_login(user)
                    cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            try:
                yield server, world, cookies
            finally:
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)


def admin_records():
    """A group and a lockout, so that the admin's crawl reaches their pages as well."""
    from django.contrib.auth.models import Group, Permission

    from tests.factories import access_attempt

    group = Group.objects.create(name="数据维护")
    group.permissions.set(Permission.objects.filter(codename__startswith="view_")[:3])
    access_attempt()


@pytest.fixture(autouse=True)
def _private_media():
    """Overrides tests/conftest.py's: the world's files stay where they were written."""


# --- The crawl ---------------------------------------------------------------------------


def page_key(path: str, query: str):
    """One visit per URL pattern and query shape: the list with ?state= and the list
    with ?page= are two pages, ?state=draft and ?state=filed one."""
    match = resolve(path)
    if path.startswith("/admin/"):
        # The admin's lists take a query key per filter and column (?role__exact=,
        # ?o=): the same page with other rows, checked once.
        return match.view_name, ()
    return match.view_name, tuple(sorted({key for key, _value in parse_qsl(query)}))


def crawl(context, base: str, role: str, seeds: list[str], skip=frozenset()) -> SimpleNamespace:
    """Visit, check and follow. Returns the view names visited (with a URL of each), the
    problems found, the links refused (403/404) and the count of failing elements per rule;
    then sends the role's ``REFUSED_FORMS`` empty and checks the pages that refuse them."""
    page = context.new_page()
    queue = list(seeds)
    seen_keys, seen_urls = set(), set()
    found = SimpleNamespace(checked=0, visited={}, problems=[], refused=[], rules=Counter())
    while queue and found.checked < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        try:
            key = page_key(parts.path, parts.query)
        except Resolver404:
            found.problems.append(f"{url}: a link to nowhere")
            continue
        # A seed is visited even when a page of its pattern was (a record in another
        # state); every other URL only when its pattern and query shape are new.
        if key[0] in EXCLUDED or key[0] in skip or url in seen_urls:
            continue
        if key in seen_keys and url not in seeds:
            continue
        seen_keys.add(key)
        seen_urls.add(url)
        response = page.goto(base + url)
        if response.status in (403, 404) and url not in seeds:
            # A link to a page the role may not open (the open-data API's documentation
            # for the separated-duty roles): not an accessibility failure, but listed.
            found.refused.append(f"{url}: {response.status}")
            continue
        if response.status >= 400:
            found.problems.append(f"{url}: {response.status}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            found.problems.append(f"{url}: not HTML, add {key[0]} to EXCLUDED")
            continue
        found.visited[key[0]] = url
        found.checked += 1
        found.problems += check_page(page, base, url, found.rules)
        for link in page.evaluate(LINKS):
            target = urlsplit(link)
            if f"{target.scheme}://{target.netloc}" != base or target.path.startswith(
                ("/static/", "/i18n/")
            ):
                continue
            # The Django admin is the system administrator's: no other role's page links
            # to it (its login page, a seed of the visitor's, is checked on its own).
            if target.path.startswith("/admin/") and role != "admin":
                if not parts.path.startswith("/admin/"):
                    found.problems.append(f"{url}: a link to the admin ({target.path})")
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    for url, form in REFUSED_FORMS.get(role, ()):
        page.goto(base + url)
        with page.expect_navigation():
            page.locator(form).evaluate("(f) => f.requestSubmit()")
        summary = page.locator("[data-error-summary]")
        if summary.count() != 1 or summary.get_attribute("role") != "alert":
            found.problems.append(f"{url} sent empty: no error summary with role=alert")
        found.problems += check_page(page, base, f"{url} (sent empty)", found.rules)
        found.visited[f"{resolve(url).view_name} (refused)"] = url
        found.checked += 1
    page.close()
    return found


def check_page(page, base: str, url: str, rules: Counter) -> list[str]:
    """axe's WCAG 2.0/2.1 A and AA rules, and the tables' captions and header cells."""
    problems = []
    if page.locator("#swagger-ui").count():
        # The API's documentation is drawn by Swagger UI once the schema has loaded.
        page.wait_for_selector("#swagger-ui .opblock")
    if page.locator("select.admin-autocomplete").count():
        # The admin's search-as-you-type selects are named on jQuery's ready, which may
        # come after the page's "load" (static/js/admin.js).
        page.wait_for_selector(".select2-selection__rendered[aria-label]")
    page.add_script_tag(url=base + AXE)
    for violation in page.evaluate(RUN_AXE, TAGS):
        rules[violation["id"]] += violation["nodes"]
        problems.append(
            f"{url}: {violation['id']} ({violation['impact']}, {violation['help']}) "
            f"on {violation['nodes']} element(s): {'; '.join(violation['targets'])}\n"
            f"    first: {violation['first']}"
        )
    for problem in page.evaluate(TABLES):
        rules["table-caption-and-headers"] += 1
        problems.append(f"{url}: {problem}")
    return problems


# django_db makes pytest-django create the test database (it sets up only those the
# collected tests ask for); each test's own transaction stays empty, the world is committed.
@pytest.mark.browser
@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe(role, language, a11y_site, browser, record_property):
    server, world, cookies = a11y_site
    host = urlsplit(server.url).hostname
    context = browser.new_context(locale="zh-CN" if language == "zh-hans" else "en-US")
    jar = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language}]
    if role in cookies:
        jar.append({"name": settings.SESSION_COOKIE_NAME, "value": cookies[role]})
    context.add_cookies([{**cookie, "domain": host, "path": "/"} for cookie in jar])
    started = time.monotonic()
    try:
        found = crawl(
            context,
            server.url,
            role,
            SEEDS[role](world),
            skip=PUBLIC if role != "anonymous" else (),
        )
    finally:
        context.close()
    record_property("a11y_pages", found.checked)
    record_property("a11y_visited", sorted(found.visited))
    record_property("a11y_rules", dict(found.rules))
    record_property("a11y_seconds", round(time.monotonic() - started, 1))
    print(f"\n{role}/{language}: {len(found.visited)} pages: {sorted(found.visited)}")
    if found.refused:
        print(f"links refused to {role} (403/404, not failures): {found.refused}")
    assert not found.problems, f"{role}/{language}:\n" + "\n".join(found.problems)
    missing = sorted(set(REACHED_BY.get(role, ())) - set(found.visited))
    assert not missing, f"{role}/{language} no longer reaches: {missing}"


def test_every_page_is_checked_or_excluded():
    """Every route of the URLconf is a page some role's crawl must reach, or is excluded
    for a reason (a download, an action, JSON): a page added later fails here until it
    is one or the other."""
    reached = {name for names in REACHED_BY.values() for name in names}
    routes = {name for route, name in url_names() if not route.startswith(("^static", "static/"))}
    assert not reached & set(EXCLUDED), reached & set(EXCLUDED)
    unaccounted = sorted(routes - reached - set(EXCLUDED))
    assert not unaccounted, (
        "pages no role's accessibility crawl reaches and not excluded "
        f"(tests/e2e/accessibility_pages.py): {unaccounted}"
    )
    stale = sorted((reached | set(EXCLUDED)) - routes)
    assert not stale, f"tests/e2e/accessibility_pages.py names routes that do not exist: {stale}"
