"""适老化 mode (issue 17): large text and high contrast, switched on in the header.

A signed-in user's choice is stored on the account (``User.elder_mode``) so that it
follows them to another computer; a visitor's only in a cookie. The cookie is kept in
step with the account on every signed-in response, so it survives logout: the login page
after logging out looks like the pages before it, and on the next login the account's
choice applies again (``ElderModeMiddleware``) — unless the choice was made while signed
out (an older user switches it on at the login page): that one is kept and stored on the
account at login.

A display preference, like the language: not written to the operation log.
"""

from django.conf import settings

COOKIE = "portal_elder"
#: A year: the choice outlives the browser session (unlike the session cookie).
COOKIE_MAX_AGE = 365 * 24 * 3600
ON, OFF = "1", "0"
# A choice made while signed out (on the login page, say): the next login keeps it and
# stores it on the account. A value copied from an account is plain ON/OFF, so that the
# next person to sign in on a shared computer is not given the last one's choice.
VISITOR_ON, VISITOR_OFF = "v1", "v0"
VALUES = {ON: True, OFF: False, VISITOR_ON: True, VISITOR_OFF: False}


def cookie_says(request) -> bool | None:
    """The cookie's choice, or None when the browser has not chosen."""
    return VALUES.get(request.COOKIES.get(COOKIE))


def visitor_choice(request) -> bool | None:
    """The choice made on this browser while signed out, if it is one."""
    return {VISITOR_ON: True, VISITOR_OFF: False}.get(request.COOKIES.get(COOKIE))


def elder_mode_for(request) -> bool:
    """Whether pages for ``request`` are shown in 适老化 mode: the account's choice when
    signed in, else the cookie's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.elder_mode)
    return bool(cookie_says(request))


def remember_in_cookie(response, on: bool, *, visitor: bool = False) -> None:
    if visitor:
        value = VISITOR_ON if on else VISITOR_OFF
    else:
        value = ON if on else OFF
    response.set_cookie(
        COOKIE,
        value,
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,  # read by the server only: no script needs it
        samesite="Lax",
    )


def user_set_elder_mode(*, user, on: bool) -> None:
    """The account's choice (one column: nothing else of the user is rewritten)."""
    if user.elder_mode != on:
        user.elder_mode = on
        user.save(update_fields=["elder_mode"])
