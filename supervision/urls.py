from django.urls import path

from .views import alliances, cases, events, summaries, symposia

app_name = "supervision"

urlpatterns = [
    # Alliance records, liaison officers, compliance (views/alliances.py)
    path("alliances/", alliances.alliance_list, name="alliance_list"),
    path("alliances/<int:pk>/", alliances.alliance_detail, name="alliance_detail"),
    path("alliances/<int:pk>/liaison/", alliances.liaison_assign, name="liaison_assign"),
    path("compliance/", alliances.compliance_view, name="compliance"),
    # Annual summaries, Art. 12(1) (views/summaries.py)
    path("summaries/", summaries.summary_list, name="summary_list"),
    path("alliances/<int:alliance_pk>/summaries/new/", summaries.summary_new, name="summary_new"),
    path("summaries/<int:pk>/", summaries.summary_detail, name="summary_detail"),
    path("summaries/<int:pk>/edit/", summaries.summary_edit, name="summary_edit"),
    path("summaries/<int:pk>/attach/", summaries.summary_attach, name="summary_attach"),
    path("summaries/<int:pk>/submit/", summaries.summary_submit, name="summary_submit"),
    path("summaries/<int:pk>/accept/", summaries.summary_accept, name="summary_accept"),
    path("summaries/<int:pk>/return/", summaries.summary_return, name="summary_return"),
    path(
        "summaries/<int:pk>/attachments/<int:attachment_pk>/",
        summaries.attachment_download,
        name="summary_attachment",
    ),
    # Major-event reports, Art. 12(2) (views/events.py)
    path("events/", events.event_list, name="event_list"),
    path("alliances/<int:alliance_pk>/events/new/", events.event_new, name="event_new"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:pk>/attach/", events.event_attach, name="event_attach"),
    path("events/<int:pk>/submit/", events.event_submit, name="event_submit"),
    path("events/<int:pk>/accept/", events.event_accept, name="event_accept"),
    path("events/<int:pk>/return/", events.event_return, name="event_return"),
    path(
        "events/<int:pk>/attachments/<int:attachment_pk>/",
        events.attachment_download,
        name="event_attachment",
    ),
    # Symposia, Art. 12(3) (views/symposia.py)
    path("symposia/", symposia.symposium_list, name="symposium_list"),
    path("symposia/new/", symposia.symposium_new, name="symposium_new"),
    path("symposia/<int:pk>/", symposia.symposium_detail, name="symposium_detail"),
    path("symposia/<int:pk>/invite/", symposia.symposium_invite, name="symposium_invite"),
    path(
        "symposia/<int:pk>/attendance/", symposia.symposium_attendance, name="symposium_attendance"
    ),
    path("symposia/<int:pk>/minutes/", symposia.symposium_minutes, name="symposium_minutes"),
    path("symposia/<int:pk>/cancel/", symposia.symposium_cancel, name="symposium_cancel"),
    path("symposia/<int:pk>/minutes.pdf", symposia.minutes_download, name="symposium_minutes_file"),
    # Revocation, Art. 13 (views/cases.py)
    path("cases/", cases.case_list, name="case_list"),
    path("alliances/<int:alliance_pk>/cases/new/", cases.case_new, name="case_new"),
    path("alliances/<int:alliance_pk>/dissolve/", cases.dissolve, name="dissolve"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/statement/", cases.case_statement, name="case_statement"),
    path("cases/<int:pk>/decide/", cases.case_decide, name="case_decide"),
    path("cases/<int:pk>/notice.pdf", cases.notice_download, name="case_notice"),
    path("cases/<int:pk>/decision.pdf", cases.decision_download, name="case_decision"),
    path(
        "cases/<int:pk>/evidence/<int:attachment_pk>/",
        cases.evidence_download,
        name="case_evidence",
    ),
    path(
        "cases/<int:pk>/statement-files/<int:attachment_pk>/",
        cases.statement_file_download,
        name="case_statement_file",
    ),
]
