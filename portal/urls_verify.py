from django.urls import path

from .views import verification

app_name = "verify"

urlpatterns = [
    path("", verification.start, name="start"),
    path("<str:code>/", verification.document, name="document"),
]
