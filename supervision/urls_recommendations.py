from django.urls import path

from .views import recommendations as views

app_name = "recommendations"

urlpatterns = [
    path("", views.recommendation_list, name="list"),
    path("candidates/", views.recommendation_candidates, name="candidates"),
    path("alliances/<int:alliance_pk>/new/", views.recommendation_new, name="new"),
    path("export.xlsx", views.export_excel, name="export_excel"),
    path("export.pdf", views.export_pdf, name="export_pdf"),
]
