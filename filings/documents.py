"""The filing's PDFs (Art. 10–11): the application form, the county's recommendation
letter and the municipal filing notice."""

from django.utils import timezone

from core.pdf import render_pdf


def _members(filing):
    from .membership import member_rows

    return member_rows(filing.alliance, editable=filing.is_editable)


def application_form_pdf(filing) -> bytes:
    """Art. 10(2): the 备案申请书 from the data entered, to print, stamp and upload."""
    from .conformance import check_conformance, rules_version

    return render_pdf(
        "pdf/application_form.html",
        {
            "filing": filing,
            "alliance": filing.alliance,
            "members": _members(filing),
            "checks": check_conformance(filing.alliance, filing),
            "policy_version": rules_version(filing.alliance, filing),
            "today": timezone.localdate(),
        },
    )


def recommendation_letter_date(filing):
    return timezone.localdate(filing.recommended_at or timezone.now())


def recommendation_letter_pdf(filing, number: str, verification=None) -> bytes:
    """Art. 10(1): the county bureau's 推荐公函, its attachments the materials uploaded.
    ``verification`` (core.verification) prints the code and QR code of an issued copy."""
    from .conformance import latest_uploads

    return render_pdf(
        "pdf/recommendation_letter.html",
        {
            "attachments": [m.kind_title for m in latest_uploads(filing)],
            "filing": filing,
            "alliance": filing.alliance,
            "jurisdiction": filing.jurisdiction,
            "issuer": filing.jurisdiction.bureau_name,
            "policy_version": filing.policy_version,
            "number": number,
            "date": recommendation_letter_date(filing),
            "verification": verification,
        },
    )


def filing_notice_date(filing):
    return filing.alliance.filed_on or timezone.localdate()


def filing_notice_pdf(filing, number: str, verification=None) -> bytes:
    """Art. 11: the municipal bureau's 备案通知书."""
    return render_pdf(
        "pdf/filing_notice.html",
        {
            "filing": filing,
            "alliance": filing.alliance,
            "members": _members(filing),
            "policy_version": filing.policy_version,
            "number": number,
            "date": filing_notice_date(filing),
            "verification": verification,
        },
    )
