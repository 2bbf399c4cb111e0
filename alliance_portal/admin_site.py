from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    """The Django admin, open to administrators only: staff work in the portal's own pages."""

    site_header = _("保定市产业创新战略联盟备案管理平台 · 系统管理")
    site_title = _("系统管理")
    index_title = _("数据维护")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and user.is_administrator)

    @property
    def login_form(self):
        # The admin's login page is a second door: the same throttles as the portal's
        # (imported late: the site is built while the app registry loads).
        from accounts.forms import AdminLoginForm

        return AdminLoginForm
