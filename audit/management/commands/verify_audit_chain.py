from django.core.management.base import BaseCommand, CommandError

from audit.chain import seal_pending, verify_chain


class Command(BaseCommand):
    help = "Seal pending audit entries, then verify the hash chain; fails on any tampering."

    def handle(self, *args, **options):
        sealed = seal_pending()
        checked, problems = verify_chain()
        for problem in problems:
            self.stderr.write(problem.message)
        if problems:
            raise CommandError(
                f"审计日志哈希链校验失败：发现{len(problems)}处问题（共检查{checked}条）。"
            )
        self.stdout.write(
            self.style.SUCCESS(f"审计日志哈希链完整：共{checked}条（本次封存{sealed}条）。")
        )
