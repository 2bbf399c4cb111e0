"""The register of issued documents (issue 18): one row per PDF the portal issues in a
body's name, with the verification code printed on it and the SHA-256 of the signed bytes.

It lives in ``filings`` because that is the lowest app that knows alliances, and every
app that issues documents (filings, supervision, subsidies) stands on it. Append-only:
what was issued is never rewritten; a corrected document is a new row with a new code.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def _issued_path(instance, filename):
    return f"issued/{uuid.uuid4().hex}.pdf"


class IssuedDocument(models.Model):
    class Kind(models.TextChoices):
        RECOMMENDATION_LETTER = "recommendation_letter", _("推荐公函")
        FILING_NOTICE = "filing_notice", _("备案通知书")
        REVOCATION_NOTICE = "revocation_notice", _("取消备案告知书")
        REVOCATION_DECISION = "revocation_decision", _("取消备案决定书")
        DISMISSAL_DECISION = "dismissal_decision", _("不予取消备案决定书")
        AWARD_NOTICE = "award_notice", _("补贴通知书")

    code = models.CharField(_("核验码"), max_length=12, unique=True)
    kind = models.CharField(_("文书类型"), max_length=30, choices=Kind.choices)
    number = models.CharField(_("文号"), max_length=50)
    issued_on = models.DateField(_("成文日期"))
    issuer = models.CharField(_("签发机关"), max_length=100)
    # Whose certificate signed it (core.signing: "municipal" or a Jurisdiction.code).
    signer = models.CharField(_("签名机关代码"), max_length=20)
    alliance = models.ForeignKey(
        "filings.Alliance",
        verbose_name=_("联盟"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    # As printed on the day, whatever the alliance or its lead unit is called later.
    alliance_name = models.CharField(_("联盟名称"), max_length=200)
    lead_unit_name = models.CharField(_("牵头单位"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    file = models.FileField(_("文件"), upload_to=_issued_path, max_length=200)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("签发文书")
        verbose_name_plural = _("签发文书")

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("An issued document is never changed; issue a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("An issued document is never deleted.")
