"""The API's documentation page (Swagger UI from the sidecar's files under /static/).

The page is the portal's own template: Swagger UI is started by a static script
(static/js/api-docs.js) that reads the schema's address from the page, so the page needs
no inline script and no exception to the Content-Security-Policy.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def api_docs(request):
    return render(request, "api/docs.html")
