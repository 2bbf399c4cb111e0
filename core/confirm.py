"""A confirmation step before an action that cannot be undone (提交初审, 予以备案, the
revocation decision, 提交评分, 截止申请).

The server asks, not a script: a POST without ``confirmed=1`` changes nothing and answers
with a page that restates the consequence, carrying the fields the user sent so that 确定
posts them again with the confirmation. It works without JavaScript and cannot be skipped
by a page that lost its script; the view's own checks (CSRF, ``expected_state``, the
service's conditions) run on the confirmed POST as on any other.
"""

from django.shortcuts import redirect, render

CONFIRMED_FIELD = "confirmed"
# Never carried to the confirmation page: the token is the page's own.
NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED_FIELD}


def is_confirmed(request) -> bool:
    return request.POST.get(CONFIRMED_FIELD) == "1"


def ask_confirmation(request, *, title: str, consequence: str, confirm_label: str, back):
    """The page asking to confirm this POST, or None when the POST is already confirmed.

    ``consequence`` names what will happen, in the words the user knows ("本轮申请截止日期
    为2026年12月31日，确定提前截止？"). 返回 posts the same fields back with
    ``confirmed=0``: ``back`` is the answer to it — a URL to go to, or a callable giving the
    page to show again with what the user typed (a decision's reasons are not lost)."""
    answer = request.POST.get(CONFIRMED_FIELD)
    if answer == "1":
        return None
    if answer == "0":
        return back() if callable(back) else redirect(back)
    carried = [
        (name, value)
        for name in request.POST
        if name not in NOT_CARRIED
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "consequence": consequence,
            "confirm_label": confirm_label,
            "carried": carried,
            "action_url": request.get_full_path(),
        },
    )
