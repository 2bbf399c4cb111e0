"""Every URL of the portal that accepts POST, with the fields its form reads, and every
list page with the query parameters it reads.

``targets`` gives the URL arguments to fuzz, first the record the action is meant for,
then others (another state, another lead unit's record); a made-up primary key is added
by the test. ``fields`` gives each form field's strategy. Both take the world.
"""

from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import Jurisdiction, Organisation
from demo.accounts import demo_uscc
from filings.forms.application import ALLIANCE_FIELDS, MEMBER_ROLES
from filings.models import Category, FilingMaterial, IssuedDocument
from portal.models import ExportJob
from supervision.models import EventReport, ProvincialRecommendation, RevocationGround
from supervision.models import SymposiumInvitation as Invitation
from tests.factories import PASSWORD

from . import strategies as S

STATES = [
    "draft",
    "county_review",
    "returned",
    "municipal_review",
    "filed",
    "rejected",
    "withdrawn",
    "submitted",
    "accepted",
    "notified",
    "statement_received",
    "revoked",
    "dismissed",
    "scheduled",
    "held",
    "cancelled",
    "open",
    "evaluating",
    "notice",
    "final",
    "pending",
    "approved",
]
EXPECTED = {"expected_state": S.choice(STATES)}
# The answer on a confirmation page (core.confirm): none, 返回, 确定.
CONFIRMED = {"confirmed": S.choice(["", "0", "1"])}


@dataclass(frozen=True)
class Post:
    url_name: str
    targets: Callable = lambda w: [{}]
    fields: Callable = lambda w: {}
    # A page to GET first, in the same savepoint (the password-reset link sets the session).
    prepare: Callable | None = None
    id: str = ""

    @property
    def test_id(self) -> str:
        return self.id or self.url_name


@dataclass(frozen=True)
class Page:
    url_name: str
    params: Callable = lambda w: {}
    targets: Callable = lambda w: [{}]
    id: str = ""

    @property
    def test_id(self) -> str:
        return self.id or self.url_name


# --- Field strategies shared by several forms ------------------------------------------


def uscc(w):
    """Valid unregistered codes, registered ones, and junk."""
    fresh = [demo_uscc(f"fuzz-{i}", authority="91", division="130602") for i in range(3)]
    known = [w.organisation.uscc, w.other_organisation.uscc]
    return S.choice(fresh + known + [code.lower() for code in fresh])


def jurisdictions():
    return S.pk(list(Jurisdiction.objects.values_list("pk", flat=True)[:3]))


def email():
    return S.choice(["office@example.test", "not-an-email", "a@b", "测试@例子.中国"])


def organisation_fields(w, prefix=""):
    return {
        f"{prefix}name": S.text(),
        f"{prefix}uscc": uscc(w),
        f"{prefix}kind": S.choice(Organisation.Kind.values),
        f"{prefix}industry": S.choice(Organisation.Industry.values),
        f"{prefix}legal_representative": S.text(),
        f"{prefix}address": S.text(),
        f"{prefix}contact_person": S.text(),
        f"{prefix}contact_phone": S.text(),
        f"{prefix}contact_email": email(),
        f"{prefix}jurisdiction": jurisdictions(),
    }


def registration_fields(w):
    """The registration form's unit and applicant fields (the correction form's too)."""
    return {
        "name": S.text(),
        "uscc": uscc(w),
        "kind": S.choice(Organisation.Kind.values),
        "industry": S.choice(Organisation.Industry.values),
        "legal_representative": S.text(),
        "address": S.text(),
        "jurisdiction": S.choice(["", "outside"]) | jurisdictions(),
        "jurisdiction_reason": S.text(),
        "licence": S.upload(),
        "applicant_name": S.text(),
        "mobile": S.choice(["13912345678", "0312-1234567", "1391234567x"]) | S.text(),
    }


def account_fields(w):
    return {
        "email": email(),
        "username": S.choice([w.lead.username, "new_applicant"]) | S.text(),
        "password1": S.choice(["Fuzz-registration-2026", "123"]) | S.text(),
        "password2": S.choice(["Fuzz-registration-2026"]) | S.text(),
    }


def next_urls():
    return S.choice(["/", "/filings/mine/", "https://evil.example/", "//evil.example"])


def two_factor_fields(w):
    codes = ["123456", "000000", "abcd efgh", "abcd-efgh", "12345678", " 123 456 "]
    return {"code": S.choice(codes) | S.integer(0, 999_999) | S.text(), "next": next_urls()}


def contact_fields(w):
    return {
        "address": S.text(),
        "contact_person": S.text(),
        "contact_phone": S.text(),
        "contact_email": email(),
    }


def legal_fact_fields(w):
    fields = organisation_fields(w)
    for name in contact_fields(w):
        del fields[name]
    return {**fields, "reason": S.text()}


def alliance_fields(w):
    fields = {name: S.text() for name in ALLIANCE_FIELDS}
    fields["category"] = S.choice(list(Category))
    fields["office_fulltime_staff"] = S.integer(0, 20)
    fields["office_contact_email"] = email()
    return fields


def alliance_pks(w):
    return S.pk([w.alliance.pk, w.other_alliance.pk, w.draft.alliance_id])


def summary_fields(w):
    numbers = [
        "joint_projects",
        "patents_applied",
        "patents_granted",
        "standards",
        "people_trained",
        "member_investment_yuan",
        "government_investment_yuan",
    ]
    fields = {name: S.text() for name in ("work_done", "problems", "next_year_plan")}
    fields.update({name: S.integer(0, 10_000) for name in numbers})
    return fields


def event_fields(w):
    return {
        "kind": S.choice(list(EventReport.Kind)),
        "title": S.text(),
        "event_date": S.date(),
        "description": S.text(),
        "member_action": S.choice(EventReport.MemberAction.values),
        "member_uscc": uscc(w),
        "member_role": S.choice(["member", "council", "lead"]),
        "member_task_division": S.text(),
        "new_org_name": S.text(),
        "new_org_kind": S.choice(Organisation.Kind.values),
        "new_org_industry": S.choice(Organisation.Industry.values),
        "new_org_legal_representative": S.text(),
        "new_org_jurisdiction": jurisdictions(),
        "member_charter_signed": S.boolean(),
        "position": S.choice(EventReport.Position.values),
        "new_person_name": S.text(),
        "new_office_address": S.text(),
    }


def round_fields(w):
    return {
        "year": S.integer(2018, 2100),
        "title": S.text(),
        "budget_yuan": S.integer(100_000, 10_000_000),
        "opens_on": S.date(),
        "closes_on": S.date(),
        "evaluators_per_application": S.integer(1, 15),
        "notice_working_days": S.integer(1, 30),
    }


def criteria_fields(w):
    fields = {
        "criteria-TOTAL_FORMS": S.choice(["1", "3", "4"]) | S.integer(),
        "criteria-INITIAL_FORMS": S.choice(["0", "3"]) | S.integer(),
        "criteria-MIN_NUM_FORMS": S.choice(["0"]) | S.integer(),
        "criteria-MAX_NUM_FORMS": S.choice(["20", "1000"]) | S.integer(),
        "add_row": S.choice(["1"]),
    }
    for i in range(4):
        fields[f"criteria-{i}-name"] = S.text()
        fields[f"criteria-{i}-weight"] = S.choice(["25", "50", "100", "0", "101"]) | S.integer()
        fields[f"criteria-{i}-DELETE"] = S.boolean()
    return fields


def self_evaluation_fields(w):
    fields = {"summary": S.text(), "funding_plan": S.text()}
    for criterion in w.criteria_open:
        fields[f"score_{criterion.pk}"] = S.integer()
        fields[f"statement_{criterion.pk}"] = S.text()
    return fields


def score_fields(w):
    fields = {"comment": S.text(), "action": S.choice(["save", "submit"]), **CONFIRMED}
    for criterion in w.criteria_evaluating:
        fields[f"score_{criterion.pk}"] = S.integer()
        fields[f"comment_{criterion.pk}"] = S.text()
    return fields


def file_field(name="file"):
    return lambda w: {name: S.upload()}


def pk_of(*names, key="pk"):
    return lambda w: [{key: getattr(w, name).pk} for name in names]


def filing_targets(*names):
    return pk_of(*names)


def version_fields(w):
    numbers = {
        name: S.integer(0, 400)
        for name in (
            "summary_due_month",
            "summary_due_day",
            "overdue_reminder_interval_days",
            "event_late_days",
            "statement_working_days",
            "trim_min_scores",
            "notice_working_days",
            "evaluators_per_application",
        )
    }
    return {
        "document_number": S.text(),
        "title": S.text(),
        "issuing_body": S.text(),
        "effective_from": S.date(),
        "expires_on": S.date(),
        "note": S.text(),
        "reminder_days_before": S.choice(["30, 7, 0", "0", "-1", "1e9", "七", ""]) | S.text(),
        "subsidy_min_yuan": S.integer(0, 10**9),
        "subsidy_max_yuan": S.integer(0, 10**9),
        **numbers,
    }


POLICY_LISTS = (
    "articles",
    "categories",
    "conditions",
    "materials",
    "event_kinds",
    "grounds",
    "criteria",
)


def policy_lists(w):
    drafts = [{"pk": w.policy_draft.pk, "related": related} for related in POLICY_LISTS]
    return [*drafts, {"pk": w.policy_v1.pk, "related": "conditions"}]


def policy_rows(w):
    rows = []
    for version in (w.policy_draft, w.policy_v1):
        for related in ("conditions", "materials", "criteria", "articles"):
            row = getattr(version, related).first()
            rows.append({"pk": version.pk, "related": related, "row_pk": row.pk})
    return rows


def policy_part_fields(w):
    return {
        "key": S.choice(["data_security", "goals", "Bad Key", ""]) | S.text(),
        "kind": S.choice(["licence", "new_material"]) | S.text(),
        "name": S.text(),
        "number": S.integer(0, 120),
        "title": S.text(),
        "text": S.text(),
        "chapter": S.text(),
        "description": S.text(),
        "article_text": S.text(),
        "evidence": S.text(),
        "check_key": S.choice(["declaration", "goals", "magic"]),
        "required": S.boolean(),
        "accepted_types": S.many(S.choice(["pdf", "png", "jpeg", "exe"])),
        "max_bytes": S.integer(0, 100),
        "weight": S.integer(0, 120),
    }


# --- POST: every form and action -------------------------------------------------------

POSTS = [
    # accounts
    Post(
        "accounts:login",
        fields=lambda w: {
            "username": S.choice([u.username for u in w.users.values() if u]),
            "password": S.choice([PASSWORD]),
            "next": next_urls(),
        },
    ),
    Post("accounts:logout"),
    # The idle warning's two requests and the 适老化 switch (issue 17).
    Post("accounts:keep_alive"),
    Post("accounts:session_ended", fields=lambda w: {"next": next_urls()}),
    Post(
        "accounts:elder_mode",
        fields=lambda w: {"elder": S.choice(["0", "1", "on", ""]), "next": next_urls()},
    ),
    # Nobody in the fuzz world has an authenticator: every role may enrol (two-factor login
    # is not enforced outside tests marked two_factor), and the code page lets them on.
    Post("accounts:two_factor_enrol", fields=two_factor_fields),
    Post("accounts:two_factor_verify", fields=two_factor_fields),
    Post("accounts:two_factor_backup_codes"),
    Post(
        "accounts:password_change",
        fields=lambda w: {
            "old_password": S.choice([PASSWORD]),
            "new_password1": S.choice(["Fuzz-new-password-2026"]),
            "new_password2": S.choice(["Fuzz-new-password-2026"]),
        },
    ),
    Post("accounts:password_reset", fields=lambda w: {"email": email()}),
    Post(
        "accounts:password_reset_confirm",
        targets=lambda w: [
            {"uidb64": w.reset_uid, "token": "set-password"},
            {"uidb64": "AAAA", "token": "bad-token"},
        ],
        fields=lambda w: {
            "new_password1": S.choice(["Fuzz-new-password-2026"]),
            "new_password2": S.choice(["Fuzz-new-password-2026"]),
        },
        prepare=lambda w: f"/accounts/password/reset/{w.reset_uid}/{w.reset_token}/",
    ),
    Post("accounts:organisation_create", fields=organisation_fields),
    Post(
        "accounts:organisation_edit",
        targets=pk_of("organisation", "other_organisation"),
        fields=contact_fields,
    ),
    Post(
        "accounts:organisation_change_new",
        targets=pk_of("organisation", "other_organisation", "home_unit"),
        fields=legal_fact_fields,
    ),
    Post(
        "accounts:change_approve",
        targets=pk_of("change_home", "change_moving", "change_rejected"),
        fields=lambda w: {**EXPECTED, "reason": S.text()},
    ),
    Post(
        "accounts:change_reject",
        targets=pk_of("change_home", "change_moving", "change_rejected"),
        fields=lambda w: {**EXPECTED, "reason": S.text()},
    ),
    Post(
        "accounts:change_withdraw",
        targets=pk_of("change_rejected", "change_home", "change_moving"),
        fields=lambda w: EXPECTED,
    ),
    # 单位用户: the unit administrator's colleagues, and the invitation link
    Post(
        "accounts:unit_user_invite",
        fields=lambda w: {
            "name": S.text(),
            "phone": S.choice(["13912345678", "12345", "1391234567x"]) | S.text(),
            "email": email(),
            "username": S.choice(["fuzz_new", w.lead.username, "bad name!"]) | S.text(),
        },
    ),
    Post(
        "accounts:unit_user_resend",
        targets=pk_of("colleague_invited", "colleague_active", "other_colleague", "lead"),
    ),
    Post(
        "accounts:unit_user_remove",
        targets=pk_of("colleague_invited", "colleague_active", "other_colleague", "lead"),
        fields=lambda w: {"reason": S.text()},
    ),
    Post(
        "accounts:unit_admin_hand_over",
        targets=pk_of("colleague_active", "colleague_invited", "other_colleague", "lead"),
    ),
    Post(
        "accounts:invitation",
        targets=lambda w: [
            {"uidb64": w.invitation_uid, "token": "set-password"},
            {"uidb64": "AAAA", "token": "bad-token"},
        ],
        fields=lambda w: {
            "new_password1": S.choice(["Fuzz-new-password-2026", "123"]),
            "new_password2": S.choice(["Fuzz-new-password-2026"]),
        },
        prepare=lambda w: f"/accounts/invitation/{w.invitation_uid}/{w.invitation_token}/",
    ),
    # unit registration (单位注册): the public form and links, the bureau's decisions
    Post(
        "accounts:register",
        fields=lambda w: {**registration_fields(w), **account_fields(w)},
    ),
    Post(
        "accounts:register_confirm",
        targets=lambda w: [
            {"token": w.registration_confirm_token},
            {"token": w.registration_status_token},
            {"token": "1:abc:forged"},
        ],
    ),
    Post(
        "accounts:register_status",
        targets=lambda w: [
            {"token": w.registration_status_token},
            {"token": w.registration_pending_token},
            {"token": w.registration_confirm_token},
        ],
        fields=registration_fields,
    ),
    *(
        Post(
            f"accounts:registration_{name}",
            targets=pk_of("registration_pending", "registration_outside", "registration_returned"),
            fields=lambda w: {**EXPECTED, "reason": S.text()},
        )
        for name in ("approve", "return", "refuse")
    ),
    # filings: the lead unit's application
    Post("filings:new", fields=lambda w: {"name": S.text()}),
    Post(
        "filings:edit",
        targets=filing_targets("draft", "returned", "county_review"),
        fields=alliance_fields,
    ),
    Post(
        "filings:member_add",
        targets=filing_targets("draft", "county_review"),
        fields=lambda w: {
            **organisation_fields(w, prefix="member-"),
            "member-role": S.choice([value for value, _label in MEMBER_ROLES] + ["lead"]),
            "member-task_division": S.text(),
            "member-charter_signed": S.boolean(),
            # The typed draft, which the edit page's member button sends too.
            **alliance_fields(w),
            "loaded_at": S.choice(["", "2026-01-01T00:00:00+00:00"]) | S.text(),
        },
    ),
    Post(
        "filings:member_edit",
        targets=lambda w: [
            {"pk": w.draft.pk, "member_pk": w.draft_member.pk},
            {"pk": w.draft.pk, "member_pk": w.draft_lead_member.pk},
            {"pk": w.county_review.pk, "member_pk": w.draft_member.pk},
        ],
        fields=lambda w: {
            f"m{member.pk}-{name}": strategy
            for member in (w.draft_member, w.draft_lead_member)
            for name, strategy in (
                ("role", S.choice(["member", "council", "lead"])),
                ("task_division", S.text()),
                ("charter_signed", S.boolean()),
            )
        },
    ),
    Post(
        "filings:member_remove",
        targets=lambda w: [
            {"pk": w.draft.pk, "member_pk": w.draft_member.pk},
            {"pk": w.draft.pk, "member_pk": w.draft_lead_member.pk},
        ],
    ),
    Post(
        "filings:material_upload",
        targets=filing_targets("draft", "county_review"),
        fields=lambda w: {
            "material-kind": S.choice(list(FilingMaterial.Kind)),
            "material-file": S.upload(),
            "material-charter-file": S.upload(),
            **alliance_fields(w),
            "loaded_at": S.choice(["", "2026-01-01T00:00:00+00:00"]) | S.text(),
        },
    ),
    Post(
        "filings:declarations",
        targets=filing_targets("draft", "county_review"),
        fields=lambda w: {"declare-keys": S.choice(["lead_and_members", "declared", "x" * 300])},
    ),
    # filings: a member unit's answer (Art. 9(3) online)
    Post(
        "filings:membership_confirm",
        targets=pk_of("membership", "membership_closed", "draft_lead_member"),
        fields=lambda w: {
            f"confirm{w.membership.pk}-seen_terms": S.choice(["", "0" * 16]) | S.text(),
        },
    ),
    Post(
        "filings:membership_decline",
        targets=pk_of("membership", "membership_closed", "draft_lead_member"),
        fields=lambda w: {
            f"decline{w.membership.pk}-reason": S.text(),
            f"decline{w.membership.pk}-seen_terms": S.choice(["", "0" * 16]) | S.text(),
        },
    ),
    # filings: decisions
    Post(
        "filings:submit",
        targets=filing_targets("draft", "returned", "county_review"),
        fields=lambda w: {**EXPECTED, **CONFIRMED},
    ),
    Post(
        "filings:withdraw",
        targets=filing_targets("draft", "county_review", "municipal_review"),
        fields=lambda w: EXPECTED,
    ),
    Post(
        "filings:recommend",
        targets=filing_targets("county_review", "municipal_review"),
        fields=lambda w: {**EXPECTED, "opinion": S.text()},
    ),
    Post(
        "filings:return",
        targets=filing_targets("county_review", "municipal_review", "draft"),
        fields=lambda w: {**EXPECTED, "reason": S.text()},
    ),
    Post(
        "filings:reject",
        targets=filing_targets("municipal_review", "county_review"),
        fields=lambda w: {**EXPECTED, "reason": S.text()},
    ),
    Post(
        "filings:approve",
        targets=filing_targets("municipal_review", "county_review"),
        fields=lambda w: {**EXPECTED, **CONFIRMED},
    ),
    # supervision: alliance records
    Post(
        "supervision:liaison_assign",
        targets=pk_of("alliance", "other_alliance"),
        fields=lambda w: {"officer": S.pk([w.staff.pk, w.lead.pk, w.evaluator.pk])},
    ),
    # supervision: annual summaries
    Post(
        "supervision:summary_new",
        targets=lambda w: [
            {"alliance_pk": pk} for pk in (w.alliance.pk, w.other_alliance.pk, w.draft.alliance_id)
        ],
        fields=lambda w: {
            "year": S.choice(["2024", "2025", "2026"]) | S.integer(),
            "next": S.text(),
        },
    ),
    Post(
        "supervision:summary_edit",
        targets=pk_of("summary_draft", "summary_submitted"),
        fields=summary_fields,
    ),
    Post(
        "supervision:summary_attach",
        targets=pk_of("summary_draft", "summary_submitted"),
        fields=file_field(),
    ),
    Post(
        "supervision:summary_submit",
        targets=pk_of("summary_draft", "summary_submitted"),
        fields=lambda w: EXPECTED,
    ),
    Post(
        "supervision:summary_accept",
        targets=pk_of("summary_submitted", "summary_draft"),
        fields=lambda w: EXPECTED,
    ),
    Post(
        "supervision:summary_return",
        targets=pk_of("summary_submitted", "summary_draft"),
        fields=lambda w: {**EXPECTED, "reason": S.text()},
    ),
    # supervision: major-event reports
    Post(
        "supervision:event_new",
        targets=lambda w: [{"alliance_pk": pk} for pk in (w.alliance.pk, w.other_alliance.pk)],
        fields=event_fields,
    ),
    Post(
        "supervision:event_edit",
        targets=pk_of("event_draft", "event_submitted"),
        fields=event_fields,
    ),
    Post(
        "supervision:event_attach",
        targets=pk_of("event_draft", "event_submitted"),
        fields=file_field(),
    ),
    Post(
        "supervision:event_submit",
        targets=pk_of("event_draft", "event_address", "event_submitted"),
        fields=lambda w: EXPECTED,
    ),
    Post(
        "supervision:event_accept",
        targets=pk_of("event_submitted", "event_draft"),
        fields=lambda w: EXPECTED,
    ),
    Post(
        "supervision:event_return",
        targets=pk_of("event_submitted", "event_draft"),
        fields=lambda w: {**EXPECTED, "reason": S.text()},
    ),
    # supervision: symposia
    Post(
        "supervision:symposium_new",
        fields=lambda w: {
            "title": S.text(),
            "starts_at": S.datetime_local(),
            "location": S.text(),
            "agenda": S.text(),
            "alliances": S.many(alliance_pks(w)),
        },
    ),
    Post(
        "supervision:symposium_invite",
        targets=pk_of("symposium"),
        fields=lambda w: {"alliances": S.many(alliance_pks(w))},
    ),
    Post(
        "supervision:symposium_attendance",
        targets=pk_of("symposium"),
        fields=lambda w: {
            f"attendance-{w.invitation.pk}": S.choice(Invitation.Attendance.values),
            f"attendees-{w.invitation.pk}": S.text(),
        },
    ),
    Post(
        "supervision:symposium_minutes",
        targets=pk_of("symposium"),
        fields=lambda w: {**EXPECTED, "summary": S.text(), "file": S.upload()},
    ),
    Post("supervision:symposium_cancel", targets=pk_of("symposium"), fields=lambda w: EXPECTED),
    # supervision: revocation (Art. 13)
    Post(
        "supervision:case_new",
        targets=lambda w: [
            {"alliance_pk": pk} for pk in (w.alliance.pk, w.case_alliance.pk, w.draft.alliance_id)
        ],
        fields=lambda w: {
            "grounds": S.many(S.choice(RevocationGround.values)),
            "facts": S.text(),
            "evidence": S.many(S.upload(), 2),
            "confirmed": S.boolean(),
        },
    ),
    Post(
        "supervision:dissolve",
        targets=lambda w: [
            {"alliance_pk": pk} for pk in (w.alliance.pk, w.case_alliance.pk, w.other_alliance.pk)
        ],
        fields=lambda w: {"statement": S.text(), "confirm": S.boolean()},
    ),
    Post(
        "supervision:case_statement",
        targets=pk_of("case"),
        fields=lambda w: {**EXPECTED, "statement": S.text(), "files": S.many(S.upload(), 2)},
    ),
    Post(
        "supervision:case_decide",
        targets=pk_of("case"),
        fields=lambda w: {
            **EXPECTED,
            "decision": S.choice(["revoke", "dismiss"]),
            "reasons": S.text(),
            **CONFIRMED,
        },
    ),
    # supervision: provincial recommendations (Art. 17)
    Post(
        "recommendations:new",
        targets=lambda w: [{"alliance_pk": pk} for pk in (w.alliance.pk, w.draft.alliance_id)],
        fields=lambda w: {
            "kind": S.choice(ProvincialRecommendation.Kind.values),
            "note": S.text(),
            "recommended_on": S.date(),
        },
    ),
    # subsidies: rounds
    Post("subsidies:round_new", fields=round_fields),
    Post("subsidies:round_edit", targets=pk_of("round_draft", "round_open"), fields=round_fields),
    Post(
        "subsidies:criteria_edit",
        targets=pk_of("round_draft", "round_open"),
        fields=criteria_fields,
    ),
    Post(
        "subsidies:round_open",
        targets=pk_of("round_draft", "round_open"),
        fields=lambda w: EXPECTED,
    ),
    Post(
        "subsidies:round_start_evaluation",
        targets=pk_of("round_open", "round_draft"),
        fields=lambda w: {**EXPECTED, **CONFIRMED},
    ),
    Post(
        "subsidies:round_publish",
        targets=pk_of("round_evaluating", "round_open"),
        fields=lambda w: EXPECTED,
    ),
    Post(
        "subsidies:round_finalise",
        targets=pk_of("round_notice", "round_evaluating"),
        fields=lambda w: EXPECTED,
    ),
    Post(
        "subsidies:awards_suggest",
        targets=pk_of("round_evaluating", "round_notice"),
        fields=lambda w: {"fill": S.boolean()},
    ),
    Post(
        "subsidies:award_set",
        targets=pk_of("application", "application_2", "application_open"),
        fields=lambda w: {
            "amount": S.choice(["100000", "200000", "500000"]) | S.integer(),
            f"a{w.application.pk}-amount": S.integer(),
        },
    ),
    Post(
        "subsidies:award_remove",
        targets=lambda w: [
            {"round_pk": w.round_evaluating.pk, "pk": w.award_evaluating.pk},
            {"round_pk": w.round_notice.pk, "pk": w.award.pk},
            {"round_pk": w.round_notice.pk, "pk": w.award_evaluating.pk},  # another round's
        ],
    ),
    Post(
        "subsidies:assign",
        targets=pk_of("application_open", "application_2", "application"),
        fields=lambda w: {"evaluator": S.pk([w.evaluator.pk, w.lead.pk, w.staff.pk])},
    ),
    Post("subsidies:unassign", targets=pk_of("assignment_undeclared", "assignment")),
    Post(
        "subsidies:draw",
        targets=pk_of("round_open", "round_evaluating", "round_notice"),
        fields=lambda w: {"per_application": S.integer()},
    ),
    Post(
        "subsidies:redraw",
        targets=pk_of("assignment_undeclared", "assignment"),
        fields=lambda w: {"reason": S.text()},
    ),
    Post(
        "subsidies:objection_new",
        targets=pk_of("award", "award_evaluating"),
        fields=lambda w: {
            "objector_name": S.text(),
            "objector_contact": S.text(),
            "content": S.text(),
            "received_on": S.choice([w.round_notice.notice_starts_on.isoformat()]) | S.date(),
        },
    ),
    Post(
        "subsidies:objection_resolve",
        targets=pk_of("objection"),
        fields=lambda w: {"resolution": S.text()},
    ),
    Post(
        "subsidies:disbursement",
        targets=pk_of("award", "award_evaluating"),
        fields=lambda w: {"disbursed_on": S.date(), "disbursed_yuan": S.integer(1, 500_000)},
    ),
    # subsidies: applications
    Post(
        "subsidies:application_new",
        targets=lambda w: [
            {"round_pk": w.round_open.pk, "alliance_pk": w.other_alliance.pk},
            {"round_pk": w.round_open.pk, "alliance_pk": w.alliance.pk},
            {"round_pk": w.round_open.pk, "alliance_pk": w.case_alliance.pk},
            {"round_pk": w.round_draft.pk, "alliance_pk": w.alliance.pk},
        ],
    ),
    Post(
        "subsidies:application_edit",
        targets=pk_of("application_draft", "application_open"),
        fields=self_evaluation_fields,
    ),
    Post(
        "subsidies:evidence_upload",
        targets=pk_of("application_draft", "application_open"),
        fields=file_field(),
    ),
    Post(
        "subsidies:application_submit",
        targets=pk_of("application_draft", "application_open"),
        fields=lambda w: EXPECTED,
    ),
    Post(
        "subsidies:application_withdraw",
        targets=pk_of("application_open", "application_draft"),
        fields=lambda w: EXPECTED,
    ),
    # subsidies: evaluators
    Post(
        "subsidies:declare",
        targets=pk_of("assignment_undeclared", "assignment"),
        fields=lambda w: {"confirm": S.boolean()},
    ),
    Post(
        "subsidies:recuse",
        targets=pk_of("assignment_undeclared", "assignment"),
        fields=lambda w: {"reason": S.text()},
    ),
    Post(
        "subsidies:score_sheet",
        targets=pk_of("assignment", "assignment_undeclared"),
        fields=score_fields,
    ),
    # portal
    Post(
        "portal:export_new",
        fields=lambda w: {
            "kind": S.choice(ExportJob.Kind.values),
            "status": S.choice(["filed", "draft", "revoked"]),
            "category": S.choice(list(Category)),
            "jurisdiction": S.choice(["130602", str(w.organisation.jurisdiction_id)]),
            "state": S.choice(STATES),
            "year": S.integer(2018, 2026),
        },
    ),
    Post(
        "portal:dossier_new",
        targets=lambda w: [{"alliance_pk": pk} for pk in (w.alliance.pk, w.draft.alliance_id)],
    ),
    Post("portal:import_upload", fields=file_field()),
    Post(
        "portal:import_confirm",
        targets=pk_of("import_job"),
        fields=lambda w: {"sha256": S.choice([w.import_job.sha256, "0" * 64, "x"]) | S.text()},
    ),
    Post("portal:mark_read", targets=pk_of("notification")),
    Post("portal:mark_all_read"),
    Post("portal:email_preference", fields=lambda w: {"email_opt_out": S.boolean()}),
    # portal: the administrator's policy versions
    Post(
        "portal:policy_new",
        fields=lambda w: {"copy_from": S.pk([w.policy_v1.pk]), **version_fields(w)},
    ),
    Post(
        "portal:policy_edit",
        targets=pk_of("policy_draft", "policy_v1"),
        fields=version_fields,
    ),
    Post(
        "portal:policy_publish",
        targets=pk_of("policy_draft", "policy_v1"),
        fields=lambda w: {**EXPECTED, "confirm": S.boolean(), "end_predecessor": S.boolean()},
    ),
    Post(
        "portal:policy_withdraw",
        targets=pk_of("policy_draft", "policy_v1"),
        fields=lambda w: {**EXPECTED, "confirm": S.boolean()},
    ),
    Post(
        "portal:policy_delete",
        targets=pk_of("policy_draft", "policy_v1"),
        fields=lambda w: {**EXPECTED, "confirm": S.boolean()},
    ),
    Post("portal:policy_part_new", targets=policy_lists, fields=policy_part_fields),
    Post("portal:policy_part_edit", targets=policy_rows, fields=policy_part_fields),
    Post("portal:policy_part_delete", targets=policy_rows),
    # portal: the security auditor's log screens (their exports)
    Post("logs:operations_export", fields=lambda w: operation_log_filters(w)),
    Post("logs:logins_export", fields=lambda w: login_log_filters(w)),
    # portal: the security administrator's actions
    Post(
        "security:unlock",
        fields=lambda w: {
            "username": S.choice([w.lead.username, "nobody", ""]) | S.text(),
            "ip_address": S.choice(["127.0.0.1", "::1", "not-an-address", ""]),
            "reason": S.text(),
        },
    ),
    Post(
        "security:two_factor_reset",
        targets=lambda w: [{"pk": w.lead.pk}, {"pk": w.staff.pk}],
        fields=lambda w: {"confirm": S.choice(["on", "", "0"]), "reason": S.text()},
    ),
    Post(
        "security:session_end",
        fields=lambda w: {"session": S.choice(["", "0" * 32, "x"]) | S.text(), "reason": S.text()},
    ),
    # the public verification of issued documents (issue 18): a copy to compare
    Post(
        "verify:document",
        targets=lambda w: [
            {"code": IssuedDocument.objects.filter(alliance=w.case_alliance).first().code},
            {"code": "ZZZZZZZZZZZZ"},
            {"code": "not-a-code"},
        ],
        fields=file_field("file"),
    ),
]


# --- The log screens' filters (GET on the lists, POST on the exports) ------------------


def _log_filters(w):
    return {
        "user": S.choice([w.lead.username, "测", "nobody"]),
        "since": S.date(),
        "until": S.date(),
        "result": S.choice(["success", "failure"]),
        "ip": S.choice(["127.0.0.1", "10.", "::1"]),
    }


def operation_log_filters(w):
    return {
        **_log_filters(w),
        "role": S.choice(["lead_unit", "municipal_staff", "auditor", "none"]),
        "action": S.choice(["提交", "登录"]),
        "record_type": S.choice(["filings.filing", "accounts.user", "none", "audit.auditentry"]),
        "record_id": S.integer(1, 1000),
    }


def login_log_filters(w):
    return {
        **_log_filters(w),
        "kind": S.choice(["login", "logout", "login_failed", "lockout", "two_factor"]),
    }


# --- GET: list pages and their filters --------------------------------------------------


def page():
    return S.choice(["-1", "0", "1", "2", "abc", "last", "99999", "1e3", ""]) | S.integer()


def year():
    return S.choice(["2024", "2026", "99999", "-1", "0", "abc"]) | S.integer()


def jurisdiction_param(w):
    return S.choice(["130602", "xyz", str(w.organisation.jurisdiction_id), "-1"]) | S.integer()


def filters(**extra):
    return lambda w: {"page": page(), "q": S.text(), **{k: v(w) for k, v in extra.items()}}


STATE_PARAM = lambda w: S.choice(STATES)  # noqa: E731
YES_NO = lambda w: S.choice(["yes", "no", "1"])  # noqa: E731

PAGES = [
    Page("accounts:login", lambda w: {"next": S.choice(["/", "//evil.example", "/filings/mine/"])}),
    Page(
        "accounts:organisation_list",
        filters(kind=lambda w: S.choice(Organisation.Kind.values), jurisdiction=jurisdiction_param),
    ),
    Page(
        "accounts:change_list",
        filters(state=STATE_PARAM, moves=lambda w: S.choice(["yes", "no", "1"])),
    ),
    Page("accounts:unit_users", filters()),
    Page(
        "accounts:unit_activity",
        lambda w: {
            "page": page(),
            "actor": S.pk([w.lead.pk, w.colleague_active.pk, w.other_colleague.pk]),
            "date_from": S.choice(["2026-01-01", "2026-13-45", "x"]),
            "date_to": S.choice(["2030-12-31", "", "0"]),
        },
    ),
    Page(
        "accounts:registration_list",
        filters(
            state=lambda w: S.choice(["pending", "returned", "unconfirmed", "x"]),
            jurisdiction=jurisdiction_param,
            outside=YES_NO,
            awaiting=YES_NO,
        ),
    ),
    Page("filings:mine", filters(state=STATE_PARAM)),
    Page(
        "filings:memberships",
        filters(status=lambda w: S.choice(["awaiting", "confirmed", "declined", "other", "x"])),
    ),
    Page("filings:county_queue", filters(category=lambda w: S.choice(list(Category)))),
    Page(
        "filings:municipal_queue",
        filters(category=lambda w: S.choice(list(Category)), jurisdiction=jurisdiction_param),
    ),
    Page(
        "supervision:alliance_list",
        filters(
            status=lambda w: S.choice(["filed", "draft", "revoked"]),
            category=lambda w: S.choice(list(Category)),
            jurisdiction=jurisdiction_param,
            liaison=lambda w: S.choice(["none", "assigned"]),
        ),
    ),
    Page(
        "supervision:compliance",
        filters(
            year=lambda w: year(),
            jurisdiction=jurisdiction_param,
            status=lambda w: S.choice(["missing", "late", "on_time", "", "x"]),
        ),
    ),
    Page(
        "supervision:summary_list",
        filters(year=lambda w: year(), state=STATE_PARAM, overdue=YES_NO),
    ),
    Page(
        "supervision:event_list",
        filters(kind=lambda w: S.choice(list(EventReport.Kind)), state=STATE_PARAM, late=YES_NO),
    ),
    Page("supervision:symposium_list", filters()),
    Page(
        "supervision:case_list",
        filters(
            state=STATE_PARAM,
            stage=lambda w: S.choice(["open", "statement_due", "x"]),
            ground=lambda w: S.choice(RevocationGround.values),
        ),
    ),
    Page(
        "recommendations:list",
        filters(
            kind=lambda w: S.choice(ProvincialRecommendation.Kind.values), year=lambda w: year()
        ),
    ),
    Page("recommendations:candidates", filters()),
    Page("recommendations:export_excel", filters(year=lambda w: year())),
    Page("recommendations:export_pdf", filters(year=lambda w: year())),
    Page(
        "subsidies:round_list",
        filters(state=STATE_PARAM, stage=lambda w: S.choice(["notice_over", "x"])),
    ),
    Page(
        "subsidies:application_list",
        filters(
            round=lambda w: S.pk([w.round_open.pk, w.round_draft.pk]),
            state=STATE_PARAM,
        ),
    ),
    Page("subsidies:assignment_list", filters(due=lambda w: S.choice(["declare", "score", "x"]))),
    Page("subsidies:results", filters()),
    Page("portal:home", filters()),
    Page("portal:dashboard", filters(year=lambda w: year(), jurisdiction=jurisdiction_param)),
    Page("portal:exports", filters()),
    Page("portal:imports", filters()),
    Page("portal:inbox", filters(unread=lambda w: S.choice(["1", "0", "true"]))),
    Page("portal:policy_list", filters()),
    Page(
        "registry:list",
        filters(
            category=lambda w: S.choice(list(Category)),
            jurisdiction=jurisdiction_param,
            year=lambda w: year(),
        ),
    ),
    Page("registry:revocations", filters()),
    Page("verify:start", lambda w: {"code": S.choice(["", "0000-0000-0000", "zz"]) | S.text()}),
    # The open-data API (portal.api): the registry's filters, page size and format.
    Page(
        "api:alliance-list",
        filters(
            category=lambda w: S.choice(list(Category)),
            jurisdiction=jurisdiction_param,
            year=lambda w: year(),
            page_size=lambda w: page(),
            format=lambda w: S.choice(["json", "csv", "xml", "api", ""]),
        ),
    ),
    Page(
        "api:revocation-list",
        filters(year=lambda w: year(), format=lambda w: S.choice(["json", "csv", "yaml"])),
    ),
    Page(
        "api:award-list",
        filters(
            year=lambda w: year(),
            round=lambda w: S.pk([w.round_notice.pk, w.round_draft.pk]),
            format=lambda w: S.choice(["json", "csv"]),
        ),
    ),
    Page(
        "api:schema",
        lambda w: {"format": S.choice(["json", "yaml", "csv", "openapi"]), "lang": S.text()},
    ),
    Page("logs:operations", lambda w: {"page": page(), **operation_log_filters(w)}),
    Page("logs:logins", lambda w: {"page": page(), **login_log_filters(w)}),
    Page(
        "security:two_factor",
        filters(
            role=lambda w: S.choice(["admin", "lead_unit", "nobody", ""]),
            enrolled=lambda w: S.choice(["yes", "no", "maybe"]),
        ),
    ),
]


# --- URLs that take no form and are only read ------------------------------------------
# Each is fetched as every role with a junk query string (a smoke test, no hypothesis).
# The inventory test checks that every URL of the project is in POSTS, PAGES or here.


def _nested(key, parent, child):
    return lambda w: [{"pk": getattr(w, parent).pk, key: getattr(w, child).pk}]


READ_ONLY = {
    "healthz": lambda w: [{}],
    "accounts:two_factor": lambda w: [{}],
    "accounts:password_reset_done": lambda w: [{}],
    "accounts:password_reset_complete": lambda w: [{}],
    "accounts:register_sent": lambda w: [{}],
    "accounts:organisation_detail": pk_of("organisation", "other_organisation", "home_unit"),
    "accounts:change_detail": pk_of("change_home", "change_moving", "change_rejected"),
    "accounts:registration_detail": pk_of(
        "registration_pending", "registration_outside", "registration_unconfirmed"
    ),
    "accounts:registration_licence": pk_of("registration_pending", "registration_outside"),
    "filings:application_form_pdf": pk_of("draft", "municipal_review"),
    "filings:detail": pk_of("draft", "county_review", "municipal_review"),
    "filings:material_download": _nested("material_pk", "draft", "material"),
    "filings:document_download": _nested("document_pk", "municipal_review", "document"),
    "supervision:alliance_detail": pk_of("alliance", "other_alliance", "case_alliance"),
    "supervision:summary_detail": pk_of("summary_draft", "summary_submitted"),
    "supervision:summary_attachment": _nested(
        "attachment_pk", "summary_submitted", "summary_attachment"
    ),
    "supervision:event_detail": pk_of("event_draft", "event_address", "event_submitted"),
    "supervision:event_attachment": _nested("attachment_pk", "event_submitted", "event_attachment"),
    "supervision:symposium_detail": pk_of("symposium"),
    "supervision:symposium_minutes_file": pk_of("symposium"),
    "supervision:case_detail": pk_of("case"),
    "supervision:case_notice": pk_of("case"),
    "supervision:case_decision": pk_of("case"),
    "supervision:case_evidence": lambda w: [{"pk": w.case.pk, "attachment_pk": 1}],
    "supervision:case_statement_file": lambda w: [{"pk": w.case.pk, "attachment_pk": 1}],
    "subsidies:round_detail": pk_of(
        "round_draft", "round_open", "round_evaluating", "round_notice"
    ),
    "subsidies:ranking": pk_of("round_evaluating", "round_notice"),
    "subsidies:ranking_export": pk_of("round_evaluating"),
    "subsidies:award_notice": pk_of("award"),
    "subsidies:application_detail": pk_of("application_draft", "application", "application_open"),
    "subsidies:evidence_download": lambda w: [{"pk": w.application_draft.pk, "file_pk": 1}],
    "subsidies:round_results": pk_of("round_notice", "round_evaluating"),
    "portal:export_detail": pk_of("export_job"),
    "portal:export_download": pk_of("export_job"),
    "portal:import_template": lambda w: [{}],
    "portal:import_detail": pk_of("import_job"),
    "portal:notification": pk_of("notification"),
    "portal:policy_detail": pk_of("policy_draft", "policy_v1"),
    "portal:policy_preview": lambda w: [{"pk": w.policy_draft.pk}],
    "registry:alliance": pk_of("alliance", "draft"),
    "registry:download": lambda w: [{"fmt": "csv"}, {"fmt": "xlsx"}, {"fmt": "pdf"}],
    "api:alliance-detail": pk_of("alliance", "draft"),
    "api:docs": lambda w: [{}],
    "logs:entry": pk_of("audit_entry", "login_entry"),
    "security:lockouts": lambda w: [{}],
    "security:sessions": lambda w: [{}],
    "security:password_policy": lambda w: [{}],
}
# Not fuzzed here: Django's own admin and the language switch (see docs/fuzzing.md).
SKIPPED_PREFIXES = ("admin/", "i18n/", "static/")
