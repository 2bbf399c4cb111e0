import re
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

PAGE_SIZE = 20


@login_required
def inbox(request):
    notifications = request.user.notifications.all()
    if request.GET.get("unread") == "1":
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/inbox.html", {"page_obj": page})


@login_required
def notification_detail(request, pk):
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    text, links = portal_links(notification.shown_body)
    return render(
        request,
        "portal/notification.html",
        {"notification": notification, "text": text, "links": links},
    )


#: An absolute link in a notice's text (the e-mail needs one; it is built from
#: PORTAL_BASE_URL, which may differ from the host the reader uses now).
ABSOLUTE_LINK = re.compile(r"https?://[^\s/]+(/[^\s]*)")


def portal_links(body: str) -> tuple[str, list[str]]:
    """The notice's text without the links to the portal's own pages, and those pages'
    paths (shown as 查看 buttons, relative: they work on whatever host the reader is on).
    Links to anything else stay in the text."""
    links = []

    def take(match):
        path = match.group(1)
        try:
            resolve(urlsplit(path).path)
        except Resolver404:
            return match.group(0)
        if path.startswith("//"):
            return match.group(0)
        links.append(path)
        return ""

    text = ABSOLUTE_LINK.sub(take, body)
    return text.strip(), links


@login_required
@require_POST
def mark_read(request, pk):
    request.user.notifications.filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("portal:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, _("已将%(n)d条通知标为已读。") % {"n": count})
    return redirect("portal:inbox")


@login_required
@require_POST
def email_preference(request):
    request.user.email_opt_out = request.POST.get("email_opt_out") == "on"
    request.user.save(update_fields=["email_opt_out"])
    messages.success(
        request,
        _("已保存：非必要通知仅在站内显示，不再发送邮件。")
        if request.user.email_opt_out
        else _("已保存：所有通知都会发送邮件。"),
    )
    return redirect("portal:inbox")
