from django.urls import path

from . import views, views_dashboard, views_exports, views_inbox

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("exports/", views_exports.export_list, name="exports"),
    path("exports/new/", views_exports.export_new, name="export_new"),
    path("exports/<int:pk>/", views_exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views_exports.export_download, name="export_download"),
    path("alliances/<int:alliance_pk>/dossier/", views_exports.dossier_new, name="dossier_new"),
    path("inbox/", views_inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", views_inbox.notification_detail, name="notification"),
    path("inbox/<int:pk>/read/", views_inbox.mark_read, name="mark_read"),
    path("inbox/read-all/", views_inbox.mark_all_read, name="mark_all_read"),
    path("inbox/preference/", views_inbox.email_preference, name="email_preference"),
]
