"""The portal's URLs plus what only the benchmarks need (bench/settings.py): the trivial
views and the bench admin site (bench/admin.py)."""

from django.urls import include, path

from . import admin, views

urlpatterns = [
    path("bench/trivial", views.trivial, name="bench_trivial"),
    path("bench/trivial-page", views.trivial_page, name="bench_trivial_page"),
    path("bench/admin/", admin.site.urls),
    path("", include("alliance_portal.urls")),
]
