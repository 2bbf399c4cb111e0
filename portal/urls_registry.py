from django.urls import path

from .views import registry

app_name = "registry"

urlpatterns = [
    path("", registry.registry, name="list"),
    path("alliances/<int:pk>/", registry.alliance, name="alliance"),
    path("revocations/", registry.revocations, name="revocations"),
    path("download.<str:fmt>", registry.download, name="download"),
]
