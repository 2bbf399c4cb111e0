"""适老化 mode (issue 17): large text and high contrast, switched on in the header.

A signed-in user's choice is stored on the account (``User.elder_mode``) so that it
follows them to another computer; a visitor's only in a cookie. The cookie is kept in
step with the account on every signed-in response, so it survives logout: the login page
after logging out looks like the pages before it, and on the next login the account's
choice applies again (``ElderModeMiddleware``).

A display preference, like the language: not written to the operation log.
"""

from django.conf import settings

COOKIE = "portal_elder"
#: A year: the choice outlives the browser session (unlike the session cookie).
COOKIE_MAX_AGE = 365 * 24 * 3600
ON, OFF = "1", "0"


def cookie_says(request) -> bool | None:
    """The cookie's choice, or None when the browser has not chosen."""
    value = request.COOKIES.get(COOKIE)
    return {ON: True, OFF: False}.get(value)


def elder_mode_for(request) -> bool:
    """Whether pages for ``request`` are shown in 适老化 mode: the account's choice when
    signed in, else the cookie's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.elder_mode)
    return bool(cookie_says(request))


def remember_in_cookie(response, on: bool) -> None:
    response.set_cookie(
        COOKIE,
        ON if on else OFF,
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
