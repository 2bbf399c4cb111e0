from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_audit_log


class Command(BaseCommand):
    help = (
        "Verify the audit chain, its head and every checkpoint, and report entries left "
        "unsealed; reads only (seal with seal_audit_chain). Fails on any tampering."
    )

    def handle(self, *args, **options):
        result = verify_audit_log()
        for problem in result.problems:
            self.stderr.write(problem.message)
        if result.problems:
            raise CommandError(
                f"审计日志哈希链校验失败：发现{len(result.problems)}处问题"
                f"（共检查{result.checked}条记录、{result.checkpoints}个检查点）。"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"审计日志哈希链完整：共{result.checked}条，与{result.checkpoints}个检查点一致。"
            )
        )
