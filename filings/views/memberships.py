"""The alliances a unit was added to, and its administrator's answer (Art. 9(3) online).

Every unit user reads the list (``selectors.memberships_of``: only the unit's own rows,
404 for any other); only the unit administrator answers. Answers are POST-only, carry the
terms shown (a stale page is refused), and every refusal is a message on the list.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from accounts.rules import is_unit_admin_of
from core.refusals import REFUSALS, refusal_to_form, show_refusal

from .. import membership
from ..filters import MembershipFilter
from ..forms.membership import MembershipConfirmForm, MembershipDeclineForm
from ..selectors import memberships_of

PAGE_SIZE = 25
TEMPLATE = "filings/memberships/list.html"


def _render_list(request, *, bound=None, status=200):
    user = request.user
    filterset = MembershipFilter(request.GET, queryset=memberships_of(user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    admin = is_unit_admin_of(user.organisation_id, user)
    rows = list(page.object_list)
    registered = membership.is_registered(user.organisation_id)  # the same for every row
    for row in rows:
        row.organisation_registered = registered
        row.confirmation_kind, row.confirmation_text = membership.confirmation_status(
            row,
            row.alliance.lead_unit_id,
            editable=row.open_filing_id is not None,
        )
        row.answerable = admin and row.open_filing_id is not None
        if row.answerable:
            digest = membership.terms_digest(row)
            forms = (bound or {}).get(row.pk, {})
            row.confirm_form = forms.get("confirm") or MembershipConfirmForm(
                member=row, initial={"seen_terms": digest}
            )
            row.decline_form = forms.get("decline") or MembershipDeclineForm(
                member=row, initial={"seen_terms": digest}
            )
            row.decline_open = "decline" in (bound or {}).get(row.pk, {})
    page.object_list = rows
    context = {
        "filter": filterset,
        "page_obj": page,
        "rows": rows,
        "is_unit_admin": admin,
    }
    return render(request, TEMPLATE, context, status=status)


@role_required(Role.LEAD_UNIT)
def membership_list(request):
    return _render_list(request)


def _member_for(user, pk):
    return get_object_or_404(memberships_of(user), pk=pk)


@require_POST
@role_required(Role.LEAD_UNIT)
def membership_confirm(request, pk):
    member = _member_for(request.user, pk)
    form = MembershipConfirmForm(request.POST, member=member)
    form.is_valid()  # one optional hidden field
    try:
        membership.membership_confirm(
            by=request.user,
            member=member,
            seen_terms=form.cleaned_data.get("seen_terms") or "",
        )
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("已确认本单位在“%(alliance)s”中的成员身份，牵头单位会收到通知。")
            % {"alliance": member.alliance.name},
        )
    return redirect("filings:memberships")


@require_POST
@role_required(Role.LEAD_UNIT)
def membership_decline(request, pk):
    member = _member_for(request.user, pk)
    form = MembershipDeclineForm(request.POST, member=member)
    if form.is_valid():
        try:
            membership.membership_decline(
                by=request.user,
                member=member,
                reason=form.cleaned_data["reason"],
                seen_terms=form.cleaned_data.get("seen_terms") or "",
            )
        except ValidationError as error:
            refusal_to_form(form, error)
        except REFUSALS as error:
            show_refusal(request, error)
            return redirect("filings:memberships")
        else:
            messages.success(
                request,
                _("已拒绝确认“%(alliance)s”的成员身份，牵头单位会收到理由。")
                % {"alliance": member.alliance.name},
            )
            return redirect("filings:memberships")
    else:
        # Refused before reading the reason? Say that first (not the admin, state moved).
        try:
            membership.membership_check(by=request.user, member=member)
        except REFUSALS as error:
            show_refusal(request, error)
            return redirect("filings:memberships")
    messages.error(request, _("未提交：请按红色提示写明拒绝理由。"))
    return _render_list(request, bound={member.pk: {"decline": form}})
