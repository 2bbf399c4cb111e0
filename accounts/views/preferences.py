"""The 适老化 switch in the header (accounts.preferences): a POST from any page, back to it."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import preferences
from .two_factor import next_url


@require_POST
def elder_mode(request):
    on = request.POST.get("elder") == preferences.ON
    if request.user.is_authenticated:
        preferences.user_set_elder_mode(user=request.user, on=on)
    messages.success(request, _("已开启适老化模式。") if on else _("已关闭适老化模式。"))
    response = HttpResponseRedirect(next_url(request))
    preferences.remember_in_cookie(response, on, visitor=not request.user.is_authenticated)
    return response
