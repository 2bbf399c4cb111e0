from django.urls import path

from .views import dashboard, exports, home, inbox

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("exports/", exports.export_list, name="exports"),
    path("exports/new/", exports.export_new, name="export_new"),
    path("exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("alliances/<int:alliance_pk>/dossier/", exports.dossier_new, name="dossier_new"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox.notification_detail, name="notification"),
    path("inbox/<int:pk>/read/", inbox.mark_read, name="mark_read"),
    path("inbox/read-all/", inbox.mark_all_read, name="mark_all_read"),
    path("inbox/preference/", inbox.email_preference, name="email_preference"),
]
