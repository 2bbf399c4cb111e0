from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from .filters import OrganisationFilter
from .forms import LoginForm, OrganisationForm
from .models import Role
from .permissions import STAFF_ROLES, role_required
from .selectors import organisations_visible_to

PAGE_SIZE = 25


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form):
        messages.success(self.request, _("密码已修改。"))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@role_required(*STAFF_ROLES, Role.COUNTY_REVIEWER)
def organisation_list(request):
    filterset = OrganisationFilter(request.GET, queryset=organisations_visible_to(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "accounts/organisation_list.html", {"filter": filterset, "page_obj": page}
    )


@role_required(*STAFF_ROLES)
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        messages.success(request, _("已登记单位“%(name)s”。") % {"name": organisation.name})
        return redirect("accounts:organisation_list")
    return render(request, "accounts/organisation_form.html", {"form": form, "creating": True})


@role_required(*STAFF_ROLES, Role.LEAD_UNIT)
def organisation_edit(request, pk):
    organisation = get_object_or_404(organisations_visible_to(request.user), pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("单位信息已保存。"))
        return redirect("portal:home")
    return render(request, "accounts/organisation_form.html", {"form": form, "creating": False})
