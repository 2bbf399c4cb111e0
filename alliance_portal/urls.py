from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("filings/", include("filings.urls")),
    path("supervision/", include("supervision.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("supervision/recommendations/", include("supervision.urls_recommendations")),
    path("registry/", include("portal.urls_registry")),
    path("verify/", include("portal.urls_verify")),
    path("api/", include("portal.api.urls")),
    path("logs/", include("portal.urls_logs")),
    path("security/", include("portal.urls_security")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("portal.urls")),
]

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
