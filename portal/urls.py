from django.urls import path

from .imports import views as imports
from .views import dashboard, exports, home, inbox, policy

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("exports/", exports.export_list, name="exports"),
    path("exports/new/", exports.export_new, name="export_new"),
    path("exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("alliances/<int:alliance_pk>/dossier/", exports.dossier_new, name="dossier_new"),
    path("imports/", imports.import_list, name="imports"),
    path("imports/template/", imports.import_template, name="import_template"),
    path("imports/upload/", imports.import_upload, name="import_upload"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox.notification_detail, name="notification"),
    path("inbox/<int:pk>/read/", inbox.mark_read, name="mark_read"),
    path("inbox/read-all/", inbox.mark_all_read, name="mark_all_read"),
    path("inbox/preference/", inbox.email_preference, name="email_preference"),
    path("policy/", policy.version_list, name="policy_list"),
    path("policy/new/", policy.version_new, name="policy_new"),
    path("policy/<int:pk>/", policy.version_detail, name="policy_detail"),
    path("policy/<int:pk>/edit/", policy.version_edit, name="policy_edit"),
    path("policy/<int:pk>/preview/", policy.version_preview, name="policy_preview"),
    path("policy/<int:pk>/publish/", policy.version_publish, name="policy_publish"),
    path("policy/<int:pk>/withdraw/", policy.version_withdraw, name="policy_withdraw"),
    path("policy/<int:pk>/delete/", policy.version_delete, name="policy_delete"),
    path("policy/<int:pk>/<str:related>/new/", policy.part_form, name="policy_part_new"),
    path(
        "policy/<int:pk>/<str:related>/<int:row_pk>/edit/",
        policy.part_form,
        name="policy_part_edit",
    ),
    path(
        "policy/<int:pk>/<str:related>/<int:row_pk>/delete/",
        policy.part_delete,
        name="policy_part_delete",
    ),
]
