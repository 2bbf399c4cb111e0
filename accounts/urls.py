from django.contrib.auth import views as auth_views
from django.urls import path

from .views import (
    auth,
    changes,
    organisations,
    preferences,
    registration,
    registrations,
    session,
    two_factor,
    unit,
)

app_name = "accounts"

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The idle-logout warning (static/js/idle.js) and the 适老化 switch in the header.
    path("session/keep-alive/", session.keep_alive, name="keep_alive"),
    path("session/ended/", session.session_ended, name="session_ended"),
    path("elder-mode/", preferences.elder_mode, name="elder_mode"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("register/", registration.register, name="register"),
    path("register/sent/", registration.register_sent, name="register_sent"),
    path("register/confirm/<str:token>/", registration.register_confirm, name="register_confirm"),
    path("register/status/<str:token>/", registration.register_status, name="register_status"),
    path("registrations/", registrations.registration_list, name="registration_list"),
    path("registrations/<int:pk>/", registrations.registration_detail, name="registration_detail"),
    path(
        "registrations/<int:pk>/licence/",
        registrations.registration_licence,
        name="registration_licence",
    ),
    path(
        "registrations/<int:pk>/approve/",
        registrations.registration_approve,
        name="registration_approve",
    ),
    path(
        "registrations/<int:pk>/return/",
        registrations.registration_return,
        name="registration_return",
    ),
    path(
        "registrations/<int:pk>/refuse/",
        registrations.registration_refuse,
        name="registration_refuse",
    ),
    path("two-factor/", two_factor.security, name="two_factor"),
    path("two-factor/enrol/", two_factor.enrol, name="two_factor_enrol"),
    path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("two-factor/backup-codes/", two_factor.backup_codes, name="two_factor_backup_codes"),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:pk>/changes/new/",
        organisations.organisation_change_new,
        name="organisation_change_new",
    ),
    path("organisations/changes/", changes.change_list, name="change_list"),
    path("organisations/changes/<int:pk>/", changes.change_detail, name="change_detail"),
    path("organisations/changes/<int:pk>/approve/", changes.change_approve, name="change_approve"),
    path("organisations/changes/<int:pk>/reject/", changes.change_reject, name="change_reject"),
    path(
        "organisations/changes/<int:pk>/withdraw/", changes.change_withdraw, name="change_withdraw"
    ),
    # 单位用户: the unit administrator's colleagues, and the invitation link they receive.
    path("unit/", unit.user_list, name="unit_users"),
    path("unit/invite/", unit.user_invite, name="unit_user_invite"),
    path("unit/<int:pk>/resend/", unit.user_resend, name="unit_user_resend"),
    path("unit/<int:pk>/remove/", unit.user_remove, name="unit_user_remove"),
    path("unit/<int:pk>/hand-over/", unit.admin_hand_over, name="unit_admin_hand_over"),
    path("unit/activity/", unit.activity, name="unit_activity"),
    path("invitation/<uidb64>/<token>/", unit.InvitationView.as_view(), name="invitation"),
]
