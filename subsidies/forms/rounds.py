"""Forms of a subsidy round (Art. 15): its particulars, its criteria, evaluator assignment."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .. import selectors
from ..services import ROUND_FIELDS, window_error
from .common import DATE, DATE_ERRORS, YuanField, int_errors


class RoundForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"), min_value=2018, max_value=2100, error_messages=int_errors(_("年度"))
    )
    title = forms.CharField(label=_("批次名称"), max_length=200)
    budget_yuan = YuanField(
        label=_("补贴总预算（元）"),
        min_value=1,  # the version's lower bound: see __init__
        max_value=10**11,  # far above any municipal budget; keeps typos out of the database
        error_messages=int_errors(_("补贴总预算")),
    )
    opens_on = forms.DateField(
        label=_("申请开始日期"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    closes_on = forms.DateField(
        label=_("申请截止日期"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    evaluators_per_application = forms.IntegerField(
        label=_("每份申请评审专家人数"),
        min_value=1,
        max_value=15,
        error_messages=int_errors(_("评审专家人数")),
    )
    notice_working_days = forms.IntegerField(
        label=_("公示期（工作日）"),
        min_value=1,
        max_value=30,
        error_messages=int_errors(_("公示期")),
    )

    def __init__(self, *args, version, **kwargs):
        """``version``: the round's policy version, or for a new round the one applied
        today — its bounds, its default panel size and its minimum 公示 period."""
        super().__init__(*args, **kwargs)
        budget = self.fields["budget_yuan"]
        budget.min_value = version.subsidy_min_yuan
        budget.validators.append(MinValueValidator(version.subsidy_min_yuan))
        budget.widget.attrs["min"] = version.subsidy_min_yuan
        budget.help_text = _(
            "整数，单位元。单项补贴%(low)s元至%(high)s元（%(version)s第十五条）。"
        ) % {
            "low": f"{version.subsidy_min_yuan:,}",
            "high": f"{version.subsidy_max_yuan:,}",
            "version": escape(version.document_number),
        }
        self.fields["evaluators_per_application"].initial = version.evaluators_per_application
        self.fields["evaluators_per_application"].help_text = _(
            "%(n)d人及以上时去掉一个最高分和一个最低分后取平均。"
        ) % {"n": version.trim_min_scores}
        notice = self.fields["notice_working_days"]
        notice.initial = version.notice_working_days
        notice.help_text = _("不少于%(n)d个工作日（%(version)s）。") % {
            "n": version.notice_working_days,
            "version": escape(version.document_number),
        }

    def clean(self):
        # Said here too, so that it shows beside the other errors of the same post.
        data = super().clean()
        error = window_error(data.get("opens_on"), data.get("closes_on"))
        if error:
            self.add_error("closes_on", error)
        return data

    @classmethod
    def initial_from(cls, round_) -> dict:
        return {name: getattr(round_, name) for name in ROUND_FIELDS}


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("评审指标"), max_length=50)
    weight = forms.IntegerField(
        label=_("权重（%）"),
        min_value=1,
        max_value=100,
        error_messages=int_errors(_("权重")),
    )


class BaseCriterionFormSet(forms.BaseFormSet):
    """Rows left blank are ignored wherever they are, so a row is removed either by ticking
    its delete box or by clearing it."""

    def _construct_form(self, i, **kwargs):
        kwargs["empty_permitted"] = True
        kwargs["use_required_attribute"] = False
        return super()._construct_form(i, **kwargs)


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True, max_num=20
)


def criteria_from(formset) -> list[tuple[str, int]]:
    """The rows kept (not deleted, not left blank), in the order typed."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        rows.append((data["name"], data["weight"]))
    return rows


class AssignForm(forms.Form):
    evaluator = forms.ModelChoiceField(
        label=_("评审专家"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("请选择评审专家。"),
            "invalid_choice": _("所选用户不是评审专家。"),
        },
    )

    def __init__(self, *args, evaluators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = (
            evaluators if evaluators is not None else selectors.evaluators()
        )
