from django.urls import path

from . import views_registry as registry

app_name = "registry"

urlpatterns = [
    path("", registry.registry, name="list"),
    path("alliances/<int:pk>/", registry.alliance, name="alliance"),
    path("revocations/", registry.revocations, name="revocations"),
]
