from django.core.management.base import BaseCommand
from django.db import transaction

from audit.checkpoints import anchors_held
from demo import filings as filings_demo
from demo import registrations as registrations_demo
from demo import subsidies as subsidies_demo
from demo import supervision as supervision_demo
from demo.accounts import COLLEAGUE, DEMO_PASSWORD, seed_colleagues, seed_organisations, seed_users


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo data; running it twice changes nothing."

    def handle(self, *args, **options):
        # The seeders move the clock to the days their records are dated: the audit chain's
        # anchors wait for the real time (audit.checkpoints.anchors_held).
        with anchors_held():
            with transaction.atomic():
                organisations = seed_organisations()
                users = seed_users(organisations)
                seed_colleagues()
            # Outside any transaction: each seeder commits as it goes (a step, a round), as
            # requests would, so the services' own transactions and their notices are real.
            filings_summary = filings_demo.seed()
            supervision_summary = supervision_demo.seed()
            subsidies_summary = subsidies_demo.seed()
            registrations_summary = registrations_demo.seed()
        self.stdout.write(
            self.style.SUCCESS(f"演示数据就绪：{len(organisations)} 个单位，{len(users)} 个用户。")
        )
        for line in (
            filings_summary,
            supervision_summary,
            subsidies_summary,
            registrations_summary,
        ):
            self.stdout.write(line)
        self.stdout.write(f"所有演示账号的密码 / password for every demo login: {DEMO_PASSWORD}")
        self.stdout.write(
            f"  （牵头单位账号均为本单位的单位管理员；{COLLEAGUE['username']} 是 lead_ruichi "
            "邀请的同事，尚未设置密码 / each lead login is its unit's administrator; "
            f"{COLLEAGUE['username']} is an invited colleague with no password yet）"
        )
        seen_roles = set()
        for user in users:
            marker = "" if user.role in seen_roles else " *"
            seen_roles.add(user.role)
            place = user.organisation or user.jurisdiction or ""
            self.stdout.write(
                f"  {user.get_role_display():<10} {user.username:<18} {place}{marker}"
            )
