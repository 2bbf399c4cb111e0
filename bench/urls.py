"""The portal's URLs plus what only the benchmarks need (bench/settings.py)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/trivial", views.trivial, name="bench_trivial"),
    path("bench/trivial-page", views.trivial_page, name="bench_trivial_page"),
    path("", include("alliance_portal.urls")),
]
