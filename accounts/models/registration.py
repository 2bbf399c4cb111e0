"""A unit's registration (单位注册): one account per legal person, approved by its 归口
department — the tech bureau of the county or zone its credit code places it in.

The applicant is anonymous until approval: they reach their registration through signed
links e-mailed to them (confirm the address; correct and resubmit after a return). On
approval the unit (``Organisation``) and its administrator (``User`` with
``is_unit_admin``) are created — or, for a unit a lead unit already added as a member, the
existing ``Organisation`` receives its first administrator.

States: unconfirmed → pending → approved | returned | refused; returned → pending;
unconfirmed → expired (the e-mail was never confirmed in time).
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .. import rules
from .people import Jurisdiction, Organisation

#: States in which a registration still holds its credit code, user name and e-mail.
OPEN_STATES = ("unconfirmed", "pending", "returned")


def _licence_path(instance, filename):
    # Generated name: the applicant's file name never reaches the file system.
    suffix = PurePath(filename).suffix.lower()
    return f"registrations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Registration(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("待确认邮箱")
        PENDING = "pending", _("待审核")
        RETURNED = "returned", _("退回修改")
        APPROVED = "approved", _("已通过")
        REFUSED = "refused", _("不予通过")
        EXPIRED = "expired", _("已过期")

    # --- The unit, as the applicant declares it ---------------------------------------
    name = models.CharField(_("单位名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    kind = models.CharField(_("单位类型"), max_length=20, choices=Organisation.Kind.choices)
    industry = models.CharField(
        _("所属行业"),
        max_length=1,
        choices=Organisation.Industry.choices,
        default=Organisation.Industry.MANUFACTURING,
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50)
    address = models.CharField(_("地址"), max_length=200)
    # What the credit code's division says (None: outside Baoding, or a provincial code)…
    derived_jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("按信用代码确定的县（市、区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # …and what the applicant chose; a difference needs a reason the reviewer sees.
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("所在县（市、区）/开发区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    jurisdiction_reason = models.TextField(_("更正所在县（市、区）的理由"), blank=True)
    # The business licence or legal-person certificate (checked by core.uploads).
    licence = models.FileField(_("营业执照或法人证书"), upload_to=_licence_path, max_length=200)
    licence_name = models.CharField(_("原文件名"), max_length=200)
    licence_type = models.CharField(_("文件类型"), max_length=50)
    licence_size = models.PositiveIntegerField(_("大小（字节）"))
    licence_sha256 = models.CharField(max_length=64)

    # --- The applicant, who becomes the unit's administrator ---------------------------
    applicant_name = models.CharField(_("申请人姓名"), max_length=50)
    mobile = models.CharField(_("手机号码"), max_length=11)
    email = models.EmailField(_("电子邮箱"))
    username = models.CharField(_("登录名"), max_length=150)
    # Hashed with Django's hasher at submission; copied to the user on approval.
    password = models.CharField(max_length=128)

    # --- The procedure -------------------------------------------------------------------
    state = FSMField(_("状态"), default=State.UNCONFIRMED, choices=State.choices, protected=True)
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    email_confirmed_at = models.DateTimeField(_("邮箱确认时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)
    # Set on approval.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("单位管理员账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("单位注册")
        verbose_name_plural = _("单位注册")
        constraints = [
            # Never two open registrations for one legal person, user name or address.
            models.UniqueConstraint(
                fields=["uscc"],
                condition=Q(state__in=OPEN_STATES),
                name="one_open_registration_per_uscc",
                violation_error_message=_("该统一社会信用代码已有一份注册申请在办理中。"),
            ),
            models.UniqueConstraint(
                fields=["username"],
                condition=Q(state__in=OPEN_STATES),
                name="one_open_registration_per_username",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(state__in=OPEN_STATES),
                name="one_open_registration_per_email",
            ),
        ]
        indexes = [models.Index(fields=["state", "jurisdiction"])]

    def __str__(self):
        return _("%(name)s 单位注册（%(state)s）") % {
            "name": self.name,
            "state": self.get_state_display(),
        }

    @property
    def jurisdiction_corrected(self) -> bool:
        return self.jurisdiction_id != self.derived_jurisdiction_id

    @property
    def may_lead(self) -> bool:
        """Art. 9(1): only a unit registered in Baoding (with a county) may lead."""
        return self.jurisdiction_id is not None

    # --- The legal graph ----------------------------------------------------------------
    # The applicant's own steps (confirm, resubmit) are reached through signed links and
    # have no user: the services check the link, so these transitions take no permission.

    @transition(field=state, source=State.UNCONFIRMED, target=State.PENDING)
    def confirm_email(self):
        now = timezone.now()
        self.email_confirmed_at = now
        self.submitted_at = now

    @transition(field=state, source=State.UNCONFIRMED, target=State.EXPIRED)
    def expire(self):
        pass

    @transition(
        field=state,
        source=State.PENDING,
        target=State.APPROVED,
        permission=rules.may_decide_registration,
    )
    def approve(self, *, decided_by, reason: str = ""):
        self._decide(decided_by, reason)

    @transition(
        field=state,
        source=State.PENDING,
        target=State.RETURNED,
        permission=rules.may_decide_registration,
    )
    def return_for_correction(self, *, decided_by, reason: str):
        self._decide(decided_by, reason)

    @transition(
        field=state,
        source=State.PENDING,
        target=State.REFUSED,
        permission=rules.may_decide_registration,
    )
    def refuse(self, *, decided_by, reason: str):
        self._decide(decided_by, reason)

    @transition(field=state, source=State.RETURNED, target=State.PENDING)
    def resubmit(self):
        self.submitted_at = timezone.now()

    def _decide(self, user, reason: str):
        self.decided_by = user
        self.decided_at = timezone.now()
        self.decision_reason = reason
