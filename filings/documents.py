"""PDFs the portal issues or prints: WeasyPrint from templates/pdf/, always in Chinese
(they are official documents), with a CJK font named in the CSS."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported lazily: loading Pango costs ~0.3 s

    with translation.override("zh-hans"):
        html = render_to_string(template_name, {"bureau": settings.PORTAL_BUREAU_NAME, **context})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _members(filing):
    return filing.alliance.members.select_related("organisation").order_by("pk")


def application_form_pdf(filing) -> bytes:
    """Art. 10(2): the 备案申请书 from the data entered, to print, stamp and upload."""
    from .conformance import check_conformance

    return render_pdf(
        "pdf/application_form.html",
        {
            "filing": filing,
            "alliance": filing.alliance,
            "members": _members(filing),
            "checks": check_conformance(filing.alliance),
            "today": timezone.localdate(),
        },
    )


def recommendation_letter_pdf(filing, number: str) -> bytes:
    """Art. 10(1): the county bureau's 推荐公函."""
    return render_pdf(
        "pdf/recommendation_letter.html",
        {
            "filing": filing,
            "alliance": filing.alliance,
            "jurisdiction": filing.jurisdiction,
            "number": number,
            "date": timezone.localdate(filing.recommended_at or timezone.now()),
        },
    )


def filing_notice_pdf(filing, number: str) -> bytes:
    """Art. 11: the municipal bureau's 备案通知书."""
    return render_pdf(
        "pdf/filing_notice.html",
        {
            "filing": filing,
            "alliance": filing.alliance,
            "members": _members(filing),
            "number": number,
            "date": filing.alliance.filed_on or timezone.localdate(),
        },
    )
