from django.urls import path

from .views import security

app_name = "security"

# The security administrator's pages (安全管理员). Actions are POST-only.
urlpatterns = [
    path("lockouts/", security.lockouts, name="lockouts"),
    path("lockouts/unlock/", security.unlock, name="unlock"),
    path("two-factor/", security.two_factor_users, name="two_factor"),
    path("two-factor/<int:pk>/reset/", security.two_factor_reset, name="two_factor_reset"),
    path("sessions/", security.sessions, name="sessions"),
    path("sessions/end/", security.session_end, name="session_end"),
    path("password-policy/", security.password_policy, name="password_policy"),
]
