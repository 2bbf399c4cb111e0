from django.urls import path
from rest_framework.routers import SimpleRouter

from . import docs, views

app_name = "api"

router = SimpleRouter()
router.register("v1/alliances", views.AllianceViewSet, basename="alliance")

urlpatterns = [
    path("v1/revocations/", views.RevocationList.as_view(), name="revocation-list"),
    path("v1/awards/", views.AwardList.as_view(), name="award-list"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    *router.urls,
]
