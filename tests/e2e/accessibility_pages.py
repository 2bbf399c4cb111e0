"""Which pages each role's accessibility crawl must reach, and which routes it leaves out
and why (tests/e2e/test_accessibility_browser.py).

Every route of the URLconf outside Django's admin is in ``REACHED_BY`` (by at least one
role) or in ``EXCLUDED``: a new page that is in neither fails
``test_every_page_is_checked_or_excluded``.
"""

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

ACTION = "POST-only action (405 on GET); the form that posts it is on a page crawled"
DOWNLOAD = "a file download (PDF, Excel, CSV or an upload), not an HTML page"
API = "JSON/OpenAPI for programs (docs/api.md); its HTML page, api:docs, is crawled"

# The Django admin's models (for the system administrator only) and their pages.
ADMIN_PAGES = ("changelist", "add", "change", "history", "delete")
EDITABLE = ("accounts_user", "accounts_organisation", "accounts_jurisdiction", "auth_group")
READ_ONLY = ("policy_policyversion", "axes_accessattempt")
HIDDEN_LOGS = ("audit_auditentry", "axes_accesslog", "axes_accessfailurelog")

EXCLUDED = {
    "healthz": "plain-text health check for the load balancer",
    "set_language": "POST-only language switch (the button is on every page)",
    "accounts:logout": "POST-only; a crawl that logged out would check nothing more",
    "accounts:register_sent": "shown once, right after a registration is posted (session)",
    "accounts:two_factor_verify": "shown between password and code only to users with an "
    "authenticator; tests/e2e/test_two_factor_browser.py walks it",
    "accounts:two_factor_backup_codes": ACTION,
    "accounts:elder_mode": "POST-only 适老化 switch (the button is on every page)",
    "accounts:keep_alive": "POST-only, sent by the idle warning's 继续使用 (static/js/idle.js)",
    "accounts:session_ended": "POST-only, sent by the idle warning when time runs out",
    "accounts:registration_licence": DOWNLOAD,
    "filings:application_form_pdf": DOWNLOAD,
    "filings:material_download": DOWNLOAD,
    "filings:document_download": DOWNLOAD,
    "supervision:summary_attachment": DOWNLOAD,
    "supervision:event_attachment": DOWNLOAD,
    "supervision:symposium_minutes_file": DOWNLOAD,
    "supervision:case_notice": DOWNLOAD,
    "supervision:case_decision": DOWNLOAD,
    "supervision:case_evidence": DOWNLOAD,
    "supervision:case_statement_file": DOWNLOAD,
    "subsidies:ranking_export": DOWNLOAD,
    "subsidies:award_notice": DOWNLOAD,
    "subsidies:evidence_download": DOWNLOAD,
    "recommendations:export_excel": DOWNLOAD,
    "recommendations:export_pdf": DOWNLOAD,
    "registry:download": DOWNLOAD,
    "portal:export_download": DOWNLOAD,
    "portal:import_template": DOWNLOAD,
    "api:alliance-list": API,
    "api:alliance-detail": API,
    "api:revocation-list": API,
    "api:award-list": API,
    "api:schema": API,
    "admin:logout": "POST-only; a crawl that logged out would check nothing more",
    "admin:autocomplete": "JSON for the admin's search-as-you-type selects",
    "admin:jsi18n": "JavaScript (the admin's translated strings)",
    "admin:view_on_site": "a redirect to the record's page in the portal",
    "admin:None": "redirects: a change page's old address, and a slash appended",
    **dict.fromkeys(
        [
            *(f"admin:{model}_{page}" for model in HIDDEN_LOGS for page in ADMIN_PAGES),
            *(f"admin:{model}_{page}" for model in READ_ONLY for page in ("add", "delete")),
        ],
        "403 for the administrator too: the logs are the auditor's (audit/admin.py), "
        "and nobody adds or deletes a policy version or a lockout there",
    ),
    **dict.fromkeys(
        [
            "accounts:registration_approve",
            "accounts:registration_return",
            "accounts:registration_refuse",
            "accounts:organisation_change_new",
            "accounts:change_approve",
            "accounts:change_reject",
            "accounts:change_withdraw",
            "accounts:unit_user_resend",
            "filings:member_add",
            "filings:member_edit",
            "filings:member_remove",
            "filings:material_upload",
            "filings:declarations",
            "filings:membership_confirm",
            "filings:membership_decline",
            "filings:submit",
            "filings:withdraw",
            "filings:recommend",
            "filings:return",
            "filings:reject",
            "filings:approve",
            "supervision:liaison_assign",
            "supervision:summary_new",
            "supervision:summary_attach",
            "supervision:summary_submit",
            "supervision:summary_accept",
            "supervision:summary_return",
            "supervision:event_attach",
            "supervision:event_submit",
            "supervision:event_accept",
            "supervision:event_return",
            "supervision:symposium_invite",
            "supervision:symposium_attendance",
            "supervision:symposium_minutes",
            "supervision:symposium_cancel",
            "supervision:case_statement",
            "supervision:case_decide",
            "subsidies:round_open",
            "subsidies:round_start_evaluation",
            "subsidies:round_publish",
            "subsidies:round_finalise",
            "subsidies:awards_suggest",
            "subsidies:award_set",
            "subsidies:award_remove",
            "subsidies:assign",
            "subsidies:unassign",
            "subsidies:draw",
            "subsidies:objection_resolve",
            "subsidies:application_new",
            "subsidies:evidence_upload",
            "subsidies:application_submit",
            "subsidies:application_withdraw",
            "logs:operations_export",
            "logs:logins_export",
            "security:unlock",
            "security:two_factor_reset",
            "security:session_end",
            "portal:export_new",
            "portal:dossier_new",
            "portal:import_upload",
            "portal:import_confirm",
            "portal:mark_read",
            "portal:mark_all_read",
            "portal:email_preference",
            "portal:policy_withdraw",
            "portal:policy_delete",
            "portal:policy_part_delete",
        ],
        ACTION,
    ),
}


def _anonymous_seeds(w):
    """The visitor's pages that no link leads to: those an e-mail links to."""
    from accounts.invitations import invitation_tokens
    from accounts.registration_links import confirm_token, status_token
    from filings.models import IssuedDocument

    # Made now, not with the world: the lead's session was opened since (force_login
    # moves last_login, which the password-reset token covers).
    reset_uid = urlsafe_base64_encode(force_bytes(w.lead.pk))
    reset_token = default_token_generator.make_token(type(w.lead).objects.get(pk=w.lead.pk))
    invitation_uid = urlsafe_base64_encode(force_bytes(w.colleague_invited.pk))
    return [
        "/",
        "/accounts/login/",
        # The admin's own login page: where /admin/ sends whoever is not signed in.
        "/admin/login/",
        f"/accounts/register/confirm/{confirm_token(w.registration_unconfirmed)}/",
        f"/accounts/register/status/{status_token(w.registration_returned)}/",
        f"/accounts/invitation/{invitation_uid}/"
        f"{invitation_tokens.make_token(w.colleague_invited)}/",
        f"/accounts/password/reset/{reset_uid}/{reset_token}/",
        "/accounts/password/reset/sent/",
        "/accounts/password/reset/complete/",
        # A QR code on an issued document leads here.
        f"/verify/{IssuedDocument.objects.order_by('pk').first().code}/",
    ]


def _seeds(*records):
    """The home page, the two-factor page (reached from the user menu's password page
    only through a form) and records in the states a crawl would pass by: it opens one
    URL per pattern, so the first link it met (a submitted summary) would stand for the
    draft too, whose page links to the edit form."""

    def seeds(w):
        return ["/", "/accounts/two-factor/", *(url(w) for url in records)]

    return seeds


SEEDS = {
    "anonymous": _anonymous_seeds,
    "lead": _seeds(
        lambda w: f"/supervision/summaries/{w.summary_draft.pk}/",
        lambda w: f"/supervision/events/{w.event_draft.pk}/",
        lambda w: f"/subsidies/applications/{w.application_draft.pk}/",
        lambda w: "/exports/",  # reached after asking for an export (a POST)
    ),
    "staff": _seeds(
        lambda w: f"/subsidies/rounds/{w.round_draft.pk}/",
        lambda w: f"/subsidies/rounds/{w.round_evaluating.pk}/",
        lambda w: f"/subsidies/rounds/{w.round_notice.pk}/",
        # Linked from a round once it is final (after its notice period): the world's
        # latest round is in its notice period, whose award the form opens for as well.
        lambda w: f"/subsidies/awards/{w.award.pk}/disbursement/",
    ),
    # The admin's password page says "done" after a POST; it is a page of its own.
    "admin": _seeds(lambda w: "/admin/", lambda w: "/admin/password_change/done/"),
    **{role: _seeds() for role in ("county", "evaluator", "security_admin", "auditor")},
}

# What every signed-in role reaches from the navigation bar and the user menu.
SIGNED_IN = {
    "accounts:password_change",
    "accounts:two_factor",
    "accounts:two_factor_enrol",
    "portal:home",
    "portal:inbox",
}

# The units' pages (registrations, units, changes of legal facts), which municipal staff
# and the system administrator both reach from the menu.
UNITS = {
    "accounts:change_detail",
    "accounts:change_list",
    "accounts:organisation_create",
    "accounts:organisation_detail",
    "accounts:organisation_list",
    "accounts:registration_detail",
    "accounts:registration_list",
}

# The pages each role's crawl must reach (it may reach more): the crawl of a role that
# no longer reaches one of them fails, and every route is here or in EXCLUDED.
REACHED_BY = {
    "anonymous": {
        "portal:home",
        "accounts:invitation",
        "accounts:login",
        "admin:login",
        "accounts:password_reset",
        "accounts:password_reset_complete",
        "accounts:password_reset_confirm",
        "accounts:password_reset_done",
        "accounts:register",
        "accounts:register_confirm",
        "accounts:register_status",
        "api:docs",
        "registry:alliance",
        "registry:list",
        "registry:revocations",
        "subsidies:results",
        "subsidies:round_results",
        "verify:document",
        "verify:start",
    },
    "lead": SIGNED_IN
    | {
        "accounts:change_detail",
        "accounts:organisation_detail",
        "accounts:organisation_edit",
        "accounts:unit_activity",
        "accounts:unit_admin_hand_over",
        "accounts:unit_user_invite",
        "accounts:unit_user_remove",
        "accounts:unit_users",
        "filings:detail",
        "filings:edit",
        "filings:memberships",
        "filings:mine",
        "filings:new",
        "portal:export_detail",
        "portal:exports",
        "portal:notification",
        "subsidies:application_detail",
        "subsidies:application_edit",
        "subsidies:application_list",
        "subsidies:round_detail",
        "subsidies:round_list",
        "supervision:alliance_detail",
        "supervision:alliance_list",
        "supervision:case_detail",
        "supervision:case_list",
        "supervision:dissolve",
        "supervision:event_detail",
        "supervision:event_edit",
        "supervision:event_list",
        "supervision:event_new",
        "supervision:summary_detail",
        "supervision:summary_edit",
        "supervision:summary_list",
        "supervision:symposium_detail",
        "supervision:symposium_list",
    },
    "county": SIGNED_IN
    | {
        "accounts:change_detail",
        "accounts:change_list",
        "accounts:organisation_detail",
        "accounts:organisation_list",
        "accounts:registration_detail",
        "accounts:registration_list",
        "filings:county_queue",
        "filings:detail",
        "portal:dashboard",
        "portal:exports",
        "portal:notification",
        "supervision:alliance_detail",
        "supervision:alliance_list",
        "supervision:case_detail",
        "supervision:case_list",
        "supervision:compliance",
        "supervision:event_detail",
        "supervision:event_list",
        "supervision:summary_detail",
        "supervision:summary_list",
        "supervision:symposium_detail",
        "supervision:symposium_list",
    },
    "staff": SIGNED_IN
    | UNITS
    | {
        "filings:detail",
        "filings:municipal_queue",
        "portal:dashboard",
        "portal:exports",
        "portal:import_detail",
        "portal:imports",
        "portal:notification",
        "recommendations:candidates",
        "recommendations:list",
        "recommendations:new",
        "subsidies:application_detail",
        "subsidies:application_list",
        "subsidies:criteria_edit",
        "subsidies:disbursement",
        "subsidies:objection_new",
        "subsidies:ranking",
        "subsidies:redraw",
        "subsidies:round_detail",
        "subsidies:round_edit",
        "subsidies:round_list",
        "subsidies:round_new",
        "supervision:alliance_detail",
        "supervision:alliance_list",
        "supervision:case_detail",
        "supervision:case_list",
        "supervision:case_new",
        "supervision:compliance",
        "supervision:event_detail",
        "supervision:event_list",
        "supervision:summary_detail",
        "supervision:summary_list",
        "supervision:symposium_detail",
        "supervision:symposium_list",
        "supervision:symposium_new",
    },
    "evaluator": SIGNED_IN
    | {
        "portal:notification",
        "subsidies:assignment_list",
        "subsidies:declare",
        "subsidies:recuse",
        "subsidies:score_sheet",
    },
    "admin": SIGNED_IN
    | UNITS
    | {
        "portal:policy_detail",
        "portal:policy_edit",
        "portal:policy_list",
        "portal:policy_new",
        "portal:policy_part_edit",
        "portal:policy_part_new",
        "portal:policy_preview",
        "portal:policy_publish",
        "admin:index",
        "admin:app_list",
        "admin:password_change",
        "admin:password_change_done",
        "admin:auth_user_password_change",
        *(f"admin:{model}_{page}" for model in EDITABLE for page in ADMIN_PAGES),
        *(f"admin:{model}_{page}" for model in READ_ONLY for page in ("changelist", "change")),
        *(f"admin:{model}_history" for model in READ_ONLY),
    },
    "security_admin": SIGNED_IN
    | {
        "security:lockouts",
        "security:password_policy",
        "security:sessions",
        "security:two_factor",
    },
    "auditor": SIGNED_IN
    | {
        "logs:entry",
        "logs:logins",
        "logs:operations",
    },
}
