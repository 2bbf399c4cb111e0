from django.urls import path

from .views import application, downloads, memberships, queues, review

app_name = "filings"

urlpatterns = [
    # The lead unit's application (views/application.py)
    path("mine/", application.my_filings, name="mine"),
    path("new/", application.alliance_new, name="new"),
    path("<int:pk>/edit/", application.filing_edit, name="edit"),
    path("<int:pk>/members/add/", application.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/edit/", application.member_edit, name="member_edit"),
    path(
        "<int:pk>/members/<int:member_pk>/remove/", application.member_remove, name="member_remove"
    ),
    path("<int:pk>/materials/upload/", application.material_upload, name="material_upload"),
    path("<int:pk>/declarations/", application.declarations_save, name="declarations"),
    # A member unit's answer to its membership (views/memberships.py)
    path("memberships/", memberships.membership_list, name="memberships"),
    path(
        "memberships/<int:pk>/confirm/",
        memberships.membership_confirm,
        name="membership_confirm",
    ),
    path(
        "memberships/<int:pk>/decline/",
        memberships.membership_decline,
        name="membership_decline",
    ),
    # The filing page and its decisions (views/review.py)
    path("<int:pk>/", review.filing_detail, name="detail"),
    path("<int:pk>/submit/", review.filing_submit, name="submit"),
    path("<int:pk>/withdraw/", review.filing_withdraw, name="withdraw"),
    path("<int:pk>/recommend/", review.filing_recommend, name="recommend"),
    path("<int:pk>/return/", review.filing_return, name="return"),
    path("<int:pk>/reject/", review.filing_reject, name="reject"),
    path("<int:pk>/approve/", review.filing_approve, name="approve"),
    # Files (views/downloads.py)
    path(
        "<int:pk>/application-form.pdf",
        downloads.application_form_pdf,
        name="application_form_pdf",
    ),
    path(
        "<int:pk>/materials/<int:material_pk>/",
        downloads.material_download,
        name="material_download",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        downloads.document_download,
        name="document_download",
    ),
    # The reviewers' queues (views/queues.py)
    path("review/county/", queues.county_queue, name="county_queue"),
    path("review/municipal/", queues.municipal_queue, name="municipal_queue"),
]
