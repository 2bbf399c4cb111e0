"""Files of a filing: the uploaded Art. 10 materials, the issued PDFs and the generated
备案申请书. Each is served only to those who may see the filing (``filings_visible_to``),
through ``core.downloads.attachment_response``: attachment, no-store, nosniff, a name
whose extension is the detected type's, a 404 with a message when the file is gone."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.downloads import attachment_response

from .. import documents
from ..models import FilingDocument
from .common import filing_for


@require_safe
@login_required
def material_download(request, pk, material_pk):
    filing = filing_for(request.user, pk)
    material = get_object_or_404(filing.materials, pk=material_pk)
    return attachment_response(material.file, material.original_name)


@require_safe
@login_required
def document_download(request, pk, document_pk):
    filing = filing_for(request.user, pk)
    document = get_object_or_404(filing.documents, pk=document_pk)
    # Official documents are named in Chinese whatever the interface language.
    with translation.override("zh-hans"):
        kind = FilingDocument.Kind(document.kind).label
        filename = f"{kind}-{document.reference_number}.pdf"
    return attachment_response(document.file, filename)


@require_safe
@login_required
def application_form_pdf(request, pk):
    """Art. 10(2): the 备案申请书 generated from the data entered, to print and stamp."""
    filing = filing_for(request.user, pk)
    filename = _("备案申请书-%(name)s.pdf") % {"name": filing.alliance.name}
    return attachment_response(documents.application_form_pdf(filing), filename)
