"""Give (or take away) the security auditor's or the security administrator's role: the
two roles of 三员分立 that the system administrator cannot give in the Django admin
(``accounts.separation``). Run by the server's operator; audited.

    manage.py separated_role <username> auditor --email a@example.cn --name 审计员
    manage.py separated_role <username> none        # the account keeps no role

A new account's password is read from standard input (``--password-stdin``) or asked for;
the account then enrols its two-factor device at its first login.
"""

import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.models import record

from ...models import Role, User
from ...separation import SEPARATED_ROLES


class Command(BaseCommand):
    help = "Give or take away the security auditor's or security administrator's role."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=[*SEPARATED_ROLES, "none"])
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="the person's name (姓名)")
        parser.add_argument("--password-stdin", action="store_true")

    def _password(self, user, options) -> str:
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("密码 / password: ")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        return password

    @transaction.atomic
    def handle(self, *args, username, role, **options):
        user = User.objects.select_for_update().filter(username=username).first()
        new_role = "" if role == "none" else role
        if user is None:
            if not new_role:
                raise CommandError(f"no user {username!r}")
            user = User(username=username, email=options["email"])
            if options["name"]:
                user.last_name = options["name"]
            user.set_password(self._password(user, options))
            created, old = True, "—"
        else:
            created, old = False, user.role or "—"
            if user.is_superuser and new_role:
                raise CommandError("a superuser cannot also hold a separated role")
        user.role = new_role
        user.organisation = None
        user.jurisdiction = None
        user.is_staff = False
        user.save()
        record(
            subject=user,
            action="separated_role",
            action_label="设置三员分立角色",
            actor=None,
            reason=f"角色 {old} → {new_role or '—'}（服务器操作员经 manage.py 设置"
            + ("，新建账号）" if created else "）"),
        )
        label = dict(Role.choices).get(new_role, "—")
        self.stdout.write(f"{username}: {label}" + (" (new account)" if created else ""))
