"""PDFs the portal issues or prints: WeasyPrint from templates/pdf/, always in Chinese
(they are official documents, whatever the reader's language), with a CJK font named in
the CSS (templates/pdf/base.html).

A document issued in a body's name extends templates/pdf/official.html (red header, number,
seal area); its context names `number` and `date`, and `issuer` when the body is not the
municipal bureau."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported lazily: loading Pango costs ~0.3 s

    bureau = settings.PORTAL_BUREAU_NAME
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, {"bureau": bureau, "issuer": bureau, **context})
    # PDF/UA-1 (issue 17): tagged, with the document's language (base.html's lang) and
    # title in the catalogue, so screen readers read the document in order and in Chinese.
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")
