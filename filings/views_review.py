# SCAFFOLD (being written by a helper; must not be committed in this state)
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


filing_detail = filing_submit = filing_withdraw = filing_recommend = filing_return = _todo
filing_reject = filing_approve = material_download = document_download = _todo
county_queue = municipal_queue = _todo
