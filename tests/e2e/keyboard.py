"""Driving a page with the keyboard alone, and checking what a keyboard user sees (issue
17, GB/T 37668 / WCAG 2.1.1, 2.1.2, 2.4.1, 2.4.7): where focus is and whether it shows."""

# What the focused element looks like: enough to say whether focus shows and to name it
# in a failure message.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute('type') || '',
    text: (el.innerText || el.value || el.getAttribute('aria-label') || el.id || '').trim().slice(0, 40),
    id: el.id,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    width: box.width,
    height: box.height,
    inMain: !!el.closest('main'),
    isMain: el.tagName === 'MAIN',
    focusVisible: el.matches(':focus-visible'),
  };
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def describe(info) -> str:
    return f"<{info['tag']} {info['type']}> {info['text']!r}" if info else "(nothing)"


def assert_focus_visible(page) -> dict:
    """The focused control shows it with a solid outline of 2 px or more (static/css/
    portal.css). Stricter than “an outline or a box shadow”: Bootstrap's own focus shadow
    on the navigation's links is a faint light ring on blue, and Chromium's default
    outline on a link is 1 px."""
    info = focused(page)
    assert info is not None, "focus is on nothing"
    if info["isMain"]:
        return info  # the skip link's target: the content, not a control
    shows = info["outlineStyle"] not in ("none", "auto") and info["outlineWidth"] >= 2
    assert shows, f"no visible focus on {describe(info)}: {info}"
    assert info["width"] > 1 and info["height"] > 1, f"focus on something unseen: {info}"
    return info


def is_focused(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str, *, backwards=False, limit=250) -> dict:
    """Press Tab (Shift+Tab) until the element matching ``selector`` has focus, checking at
    every stop on the way that focus shows. Fails when it is not reached: then the page has
    a control the keyboard cannot reach (or ``limit`` is too low)."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        info = focused(page)
        if info is not None:
            assert_focus_visible(page)
        if is_focused(page, selector):
            return info
    raise AssertionError(f"{selector} not reached with {key} in {limit} presses")


def activate(page, key="Enter"):
    """Press ``key`` on the focused control and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()


def skip_link_is_first_and_works(page):
    """From the top of a freshly loaded page, the first Tab reaches “跳到主要内容”, which is
    then visible; Enter moves focus to <main>, and the next Tab lands inside it."""
    page.keyboard.press("Tab")
    info = assert_focus_visible(page)
    assert is_focused(page, "a.skip-link"), f"first Tab reached {describe(info)}"
    assert info["text"] == "跳到主要内容"
    page.keyboard.press("Enter")
    assert is_focused(page, "main#main")
    page.keyboard.press("Tab")
    info = assert_focus_visible(page)
    assert info["inMain"], f"after the skip link, Tab reached {describe(info)} outside main"


KIND = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return '';
  const type = el.getAttribute('type') || '';
  for (const cls of ['nav-link', 'dropdown-item', 'page-link', 'navbar-brand', 'navbar-toggler', 'skip-link']) {
    if (el.classList.contains(cls)) return cls;
  }
  if (el.tagName === 'INPUT') return 'input-' + (type || 'text');
  return el.tagName.toLowerCase();
}"""


def walk_round(page, limit=400) -> list[str]:
    """Tab from the skip link (a fresh page) through everything until focus comes back
    round to it, checking focus shows at every stop; the kinds of control met, in order.
    Fails when focus never comes back: a keyboard trap (or ``limit`` too low)."""
    page.keyboard.press("Tab")
    assert is_focused(page, "a.skip-link")
    kinds, left_main = [], False
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(page, "a.skip-link"):
            assert left_main, "focus came round without ever leaving <main>"
            return kinds
        info = focused(page)
        if info is None:
            continue  # between the page's end and its start (the browser's own UI)
        assert_focus_visible(page)
        kinds.append(page.evaluate(KIND))
        left_main = left_main or (kinds.count("a") > 0 and not info["inMain"])
    raise AssertionError(f"Tab never came round to the skip link in {limit} presses: {kinds[-10:]}")
