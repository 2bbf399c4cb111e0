from django.core.management.base import BaseCommand

from audit.chain import seal_pending
from audit.checkpoints import write_checkpoint
from audit.keys import sealing_key


class Command(BaseCommand):
    help = (
        "Seal the audit entries not yet in the chain (and, with --checkpoint, write a checkpoint)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="also write a checkpoint outside the database, as the daily job does",
        )

    def handle(self, *args, checkpoint=False, **options):
        sealing_key()  # no key: say so here, where the request path only logs it
        sealed = seal_pending()
        self.stdout.write(f"本次封存{sealed}条审计记录。")
        if checkpoint:
            written = write_checkpoint()
            self.stdout.write(
                f"检查点：共{written['entries']}条，末条为第{written['last_seq']}条。"
            )
