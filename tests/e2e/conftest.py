"""The accessibility crawl's figures at the end of the run, passing or not
(tests/e2e/test_accessibility_browser.py records them as user properties, which travel
from xdist workers to the controller with each report)."""

from collections import Counter


def pytest_terminal_summary(terminalreporter, config):
    pages, rules, seconds, visited = [], Counter(), 0.0, {}
    reports = terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
    for report in reports:
        properties = dict(getattr(report, "user_properties", ()))
        if report.when != "call" or "a11y_pages" not in properties:
            continue
        role_language = report.nodeid.rsplit("[", 1)[-1].rstrip("]").removeprefix("chromium-")
        pages.append((role_language, properties["a11y_pages"], properties["a11y_seconds"]))
        visited[role_language] = properties["a11y_visited"]
        rules.update(properties["a11y_rules"])
        seconds += properties["a11y_seconds"]
    if not pages:
        return
    write = terminalreporter.write_line
    write("")
    write(f"accessibility (axe-core, WCAG 2.1 A/AA): {sum(n for _, n, _ in pages)} pages")
    for role_language, count, took in sorted(pages):
        write(f"  {role_language:28} {count:4} pages {took:7.1f} s")
        if config.get_verbosity() > 0:
            write(f"    {' '.join(visited[role_language])}")
    write(f"  crawl time {seconds:.0f} s in all")
    if rules:
        for rule, count in rules.most_common():
            write(f"  violation {rule}: {count} element(s)")
    else:
        write("  violations: 0")
