"""Art. 17: alliances recommended for provincial filing or as lead applicants of
provincial programmes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from filings.models import Alliance


class ProvincialRecommendation(models.Model):
    class Kind(models.TextChoices):
        PROVINCIAL_FILING = "provincial_filing", _("推荐申报省级产业技术创新联盟备案")
        PROVINCIAL_PROGRAMME = "provincial_programme", _("推荐作为牵头单位申报省级计划项目")

    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("联盟"),
        on_delete=models.PROTECT,
        related_name="provincial_recommendations",
    )
    kind = models.CharField(_("推荐类型"), max_length=30, choices=Kind.choices)
    note = models.TextField(_("推荐说明"))
    recommended_on = models.DateField(_("推荐日期"))
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recommended_on", "-pk"]
        verbose_name = _("省级推荐")
        verbose_name_plural = _("省级推荐")

    def __str__(self):
        return f"{self.alliance} · {self.get_kind_display()}"
