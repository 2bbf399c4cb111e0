"""The evaluator's forms: the conflict-of-interest declaration and the score sheet (Art. 15)."""

from django import forms
from django.utils.translation import gettext_lazy as _

DECLARATION_TEXT = _(
    "本人与该联盟及其成员单位不存在利益冲突（同单位任职、近三年合作、亲属关系等），如有将主动回避。"
)

SCORE_ERRORS = {
    "required": _("提交评分前请为该指标打分。"),
    "invalid": _("得分须为0到100之间的整数。"),
    "min_value": _("得分不能低于0分。"),
    "max_value": _("得分不能高于100分。"),
}


class DeclarationForm(forms.Form):
    confirm = forms.BooleanField(
        label=DECLARATION_TEXT,
        required=True,
        error_messages={"required": _("请阅读并勾选无利益冲突声明。")},
    )


class ScoreSheetForm(forms.Form):
    """One score (0–100) and one comment per criterion, and the overall opinion (评审意见).

    A draft may leave scores empty; submitting needs every score and the overall opinion.
    """

    comment = forms.CharField(
        label=_("评审意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("提交评分时必填：综合评价联盟的运行情况、成效和补贴经费使用计划。"),
    )

    def __init__(self, *args, criteria, submit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.submit = submit
        for criterion in self.criteria:
            named = {"criterion": criterion.name}  # the error summary names the indicator
            self.fields[self.score_name(criterion)] = forms.IntegerField(
                label=_("%(criterion)s得分（0–100）") % named,
                required=False,
                min_value=0,
                max_value=100,
                error_messages=SCORE_ERRORS,
            )
            self.fields[self.comment_name(criterion)] = forms.CharField(
                label=_("%(criterion)s评分说明") % named,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # The overall opinion comes last on the page.
        self.order_fields([name for name in self.fields if name != "comment"] + ["comment"])

    @staticmethod
    def score_name(criterion) -> str:
        return f"score_{criterion.pk}"

    @staticmethod
    def comment_name(criterion) -> str:
        return f"comment_{criterion.pk}"

    @classmethod
    def initial_from(cls, assignment) -> dict:
        initial = {"comment": assignment.comment}
        for score in assignment.scores.all():
            initial[f"score_{score.criterion_id}"] = score.score
            initial[f"comment_{score.criterion_id}"] = score.comment
        return initial

    def rows(self):
        """(criterion, score field, comment field) for the template, in the criteria's order."""
        return [
            (criterion, self[self.score_name(criterion)], self[self.comment_name(criterion)])
            for criterion in self.criteria
        ]

    def clean(self):
        data = super().clean()
        for criterion in self.criteria:
            score_name, comment_name = self.score_name(criterion), self.comment_name(criterion)
            if score_name in self.errors:
                continue
            if data.get(score_name) is None:
                if self.submit:
                    self.add_error(score_name, SCORE_ERRORS["required"])
                elif (data.get(comment_name) or "").strip():
                    # The service keeps a criterion's comment only with its score.
                    self.add_error(score_name, _("填写评分说明时请同时打分。"))
        if self.submit and not (data.get("comment") or "").strip():
            self.add_error("comment", _("提交评分前请填写评审意见。"))
        return data

    def scores(self) -> dict[int, tuple[int | None, str]]:
        """What ``services.score_save`` expects: criterion id → (score or None, comment)."""
        return {
            criterion.pk: (
                self.cleaned_data.get(self.score_name(criterion)),
                (self.cleaned_data.get(self.comment_name(criterion)) or "").strip(),
            )
            for criterion in self.criteria
        }
