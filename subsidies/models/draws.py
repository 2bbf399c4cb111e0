"""The random draw of evaluators (issue 15 item 13): every draw is kept with its seed and
what it saw, so that anyone can replay it (``subsidies.draw.replay``) and see who was
skipped and why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .rounds import SubsidyRound


class ExpertDraw(models.Model):
    class Kind(models.TextChoices):
        DRAW = "draw", _("随机抽取评审专家")
        REDRAW = "redraw", _("重新抽取一位评审专家")

    round = models.ForeignKey(
        SubsidyRound, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="draws"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    # secrets.token_hex(16): random.Random(seed) over the candidates in primary-key order.
    seed = models.CharField(_("随机种子"), max_length=64)
    per_application = models.PositiveSmallIntegerField(_("每份申请评审专家人数"))
    # Per application, in the order drawn: {"application", "alliance", "need",
    # "candidates": [[id, name, organisation id, organisation name]], "excluded":
    # [[id, reason]] (before the draw), "skipped": [[id, name, reason]] (met while
    # drawing, with the excluded), "drawn": [[id, name]]}.
    record = models.JSONField(_("抽取记录"), default=list)
    reason = models.TextField(_("重新抽取理由"), blank=True)
    replaced = models.ForeignKey(
        "subsidies.Assignment",
        verbose_name=_("被替换的分配"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        verbose_name = _("评审专家抽取记录")
        verbose_name_plural = _("评审专家抽取记录")

    def __str__(self):
        return f"{self.round} · {self.get_kind_display()} · {self.drawn_at:%Y-%m-%d %H:%M}"
