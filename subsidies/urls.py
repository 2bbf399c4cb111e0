from django.urls import path

from .views import (
    applications,
    assignments,
    awards,
    evaluation,
    notice,
    public,
    recusal,
    rounds,
)

app_name = "subsidies"

urlpatterns = [
    # Rounds and their state actions (municipal staff; lead units read) — views/rounds.py
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_new, name="round_new"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<int:pk>/criteria/", rounds.criteria_edit, name="criteria_edit"),
    path("rounds/<int:pk>/open/", rounds.round_open, name="round_open"),
    path(
        "rounds/<int:pk>/start-evaluation/",
        rounds.round_start_evaluation,
        name="round_start_evaluation",
    ),
    path("rounds/<int:pk>/publish/", rounds.round_publish, name="round_publish"),
    path("rounds/<int:pk>/finalise/", rounds.round_finalise, name="round_finalise"),
    # Ranking, amounts, the export — views/awards.py
    path("rounds/<int:pk>/ranking/", awards.ranking, name="ranking"),
    path("rounds/<int:pk>/ranking.xlsx", awards.ranking_export, name="ranking_export"),
    path("rounds/<int:pk>/awards/suggest/", awards.awards_suggest, name="awards_suggest"),
    path("applications/<int:pk>/award/", awards.award_set, name="award_set"),
    path(
        "rounds/<int:round_pk>/awards/<int:pk>/remove/",
        awards.award_remove,
        name="award_remove",
    ),
    # Evaluator panels — views/assignments.py
    path("applications/<int:pk>/assign/", assignments.assign, name="assign"),
    path("assignments/<int:pk>/unassign/", assignments.unassign, name="unassign"),
    path("rounds/<int:pk>/draw/", assignments.draw, name="draw"),
    path("assignments/<int:pk>/redraw/", assignments.redraw, name="redraw"),
    # The notice and after it — views/notice.py
    path("awards/<int:pk>/objections/", notice.objection_new, name="objection_new"),
    path("objections/<int:pk>/resolve/", notice.objection_resolve, name="objection_resolve"),
    path("awards/<int:pk>/disbursement/", notice.disbursement, name="disbursement"),
    path("awards/<int:pk>/notice.pdf", notice.award_notice_download, name="award_notice"),
    # Applications (lead units; staff read) — views/applications.py
    path("applications/", applications.application_list, name="application_list"),
    path(
        "rounds/<int:round_pk>/apply/<int:alliance_pk>/",
        applications.application_new,
        name="application_new",
    ),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path("applications/<int:pk>/evidence/", applications.evidence_upload, name="evidence_upload"),
    path(
        "applications/<int:pk>/evidence/<int:file_pk>/",
        applications.evidence_download,
        name="evidence_download",
    ),
    path(
        "applications/<int:pk>/submit/", applications.application_submit, name="application_submit"
    ),
    path(
        "applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="application_withdraw",
    ),
    # Evaluators — views/evaluation.py
    path("evaluation/", evaluation.assignment_list, name="assignment_list"),
    path("evaluation/<int:pk>/declare/", evaluation.declare, name="declare"),
    path("evaluation/<int:pk>/recuse/", recusal.recuse, name="recuse"),
    path("evaluation/<int:pk>/", evaluation.score_sheet, name="score_sheet"),
    # Public results — views/public.py
    path("results/", public.results, name="results"),
    path("results/<int:pk>/", public.round_results, name="round_results"),
]
