# SCAFFOLD (being written by a helper; must not be committed in this state)
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


my_filings = alliance_new = filing_edit = member_add = member_edit = member_remove = _todo
material_upload = application_form_pdf = _todo
