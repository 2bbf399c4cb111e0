"""Checks the digital signature of an issued PDF for staff (core.signing.validate_pdf):
whether it is intact, who signed it and when, and whether the certificate is trusted
(PORTAL_SIGNING_TRUST_ROOTS). Exit status 0 only for a valid, trusted signature.

    manage.py verify_document 备案通知书.pdf
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ...signing import validate_pdf


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


class Command(BaseCommand):
    help = "Verify the digital signature of an issued PDF."
    requires_system_checks = []  # a check of the signing keys says nothing about this file

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        with translation.override(settings.LANGUAGE_CODE):  # for the bureau's staff
            result = validate_pdf(data)
            when = (
                timezone.localtime(result.signing_time).strftime("%Y-%m-%d %H:%M:%S")
                if result.signing_time
                else "—"
            )
            lines = [
                _("文件：%(name)s") % {"name": path},
                _("有数字签名：%(v)s") % {"v": _yes_no(result.signed)},
                _("签名后未被修改：%(v)s") % {"v": _yes_no(result.intact)},
                _("签名有效：%(v)s") % {"v": _yes_no(result.valid)},
                _("证书受信任：%(v)s") % {"v": _yes_no(result.trusted)},
                _("签章单位：%(v)s") % {"v": result.signer or "—"},
                _("签章时间：%(v)s") % {"v": when},
                _("可信时间戳：%(v)s") % {"v": _yes_no(result.timestamped)},
            ]
            lines += [_("问题：%(v)s") % {"v": problem} for problem in result.problems]
            verdict = (
                _("结论：签名有效，文件可信。") if result.ok else _("结论：签名无效或不受信任。")
            )
        self.stdout.write("\n".join([*lines, verdict]))
        if not result.ok:
            raise CommandError(verdict, returncode=1)
