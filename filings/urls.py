from django.urls import path

from . import views_application as application
from . import views_review as review

app_name = "filings"

urlpatterns = [
    # The lead unit's application (views_application.py)
    path("mine/", application.my_filings, name="mine"),
    path("new/", application.alliance_new, name="new"),
    path("<int:pk>/edit/", application.filing_edit, name="edit"),
    path("<int:pk>/members/add/", application.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/edit/", application.member_edit, name="member_edit"),
    path(
        "<int:pk>/members/<int:member_pk>/remove/", application.member_remove, name="member_remove"
    ),
    path("<int:pk>/materials/upload/", application.material_upload, name="material_upload"),
    path(
        "<int:pk>/application-form.pdf",
        application.application_form_pdf,
        name="application_form_pdf",
    ),
    # Reading, deciding, downloading (views_review.py)
    path("<int:pk>/", review.filing_detail, name="detail"),
    path("<int:pk>/submit/", review.filing_submit, name="submit"),
    path("<int:pk>/withdraw/", review.filing_withdraw, name="withdraw"),
    path("<int:pk>/recommend/", review.filing_recommend, name="recommend"),
    path("<int:pk>/return/", review.filing_return, name="return"),
    path("<int:pk>/reject/", review.filing_reject, name="reject"),
    path("<int:pk>/approve/", review.filing_approve, name="approve"),
    path(
        "<int:pk>/materials/<int:material_pk>/", review.material_download, name="material_download"
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/", review.document_download, name="document_download"
    ),
    path("review/county/", review.county_queue, name="county_queue"),
    path("review/municipal/", review.municipal_queue, name="municipal_queue"),
]
