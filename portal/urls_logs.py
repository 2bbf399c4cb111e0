from django.urls import path

from .views import logs

app_name = "logs"

# The security auditor's log screens. Read-only: no URL edits or deletes an entry.
urlpatterns = [
    path("operations/", logs.operation_log, name="operations"),
    path("operations/export/", logs.operation_log_export, name="operations_export"),
    path("operations/<int:pk>/", logs.entry_detail, name="entry"),
    path("logins/", logs.login_log, name="logins"),
    path("logins/export/", logs.login_log_export, name="logins_export"),
]
