"""The evaluator's recusal (申请回避, issue 15 item 12): from the assignment list, the
declaration page or the score sheet, an evaluator who has a conflict withdraws from the
application with a reason; the bureau is told to draw a replacement."""

from functools import partial

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.permissions import role_required

from .. import services
from ..forms.draws import ReasonForm
from .common import form_page
from .evaluation import own_assignment


@role_required(Role.EVALUATOR)
@require_http_methods(["GET", "HEAD", "POST"])
def recuse(request, pk):
    assignment = own_assignment(request.user, pk)
    back = reverse("subsidies:assignment_list")
    check = partial(services.check_recuse, assignment=assignment, by=request.user)
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label=_("回避原因"),
        help_text=_("如：本人在该联盟成员单位任职、近三年与其合作、存在亲属关系等。"),
    )
    return form_page(
        request,
        form,
        partial(services.recuse, assignment=assignment, by=request.user),
        check=check,
        back=back,
        success=_("已申请回避，该评审任务已撤回，市科技局将另行抽取评审专家。"),
        template="subsidies/evaluation/recuse.html",
        context={"assignment": assignment, "application": assignment.application},
    )
