"""What the to-do tests share: a role's items as its home page shows them, and the rows the
list page an item opens shows (the count must equal them: issue 15, "A to-do list per role")."""

import datetime
import re
import zoneinfo

from django.urls import reverse

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=TZ)  # a Monday


def todo_items(client, user) -> dict:
    """key → item of ``user``'s to-do list; each shown on the home page with its count."""
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    page = response.content.decode()
    items = {item.key: item for item in response.context["todo"]}
    for key, item in items.items():
        block = page.split(f'data-todo="{key}"')[1]
        badge = re.search(r'data-testid="todo-count">(\d+)<', block)
        assert badge and int(badge.group(1)) == item.count, key
        assert f'href="{item.url.replace("&", "&amp;")}"' in block
    if not items:
        assert "暂无待办事项" in page
    return items


def listed(client, url) -> list:
    """The records the list page at ``url`` shows (every page of it): its primary keys, and
    for the summaries page the years not yet started it lists above its table."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if "groups" in context:  # the evaluator's assignments, by round
        return [a.pk for _round, rows in context["groups"] for a in rows]
    if "page_obj" not in context:  # the lead unit's filings
        return [f.pk for f in context["filings"]]
    rows = [r.pk for r in context["page_obj"].paginator.object_list]
    missing = [(r["alliance"].pk, r["year"]) for r in context.get("missing") or []]
    return rows + missing


def assert_counts_equal_lists(client, user, expected: dict) -> dict:
    """The items and their counts are ``expected``; each count equals its list's rows."""
    items = todo_items(client, user)
    counts = {key: item.count for key, item in items.items()}
    assert counts == expected, counts
    for key, item in items.items():
        shown = listed(client, item.url)
        assert len(shown) == item.count, (key, item.count, shown)
    return items
