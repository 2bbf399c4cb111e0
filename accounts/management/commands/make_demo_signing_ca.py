"""A local CA for the demo and the tests: a root and one signing certificate, with a seal
image, per issuing body (the municipal bureau and each jurisdiction's bureau), in
PORTAL_SIGNING_DIR under PORTAL_SIGNING_PASSWORD (core.signing_ca). Idempotent: what is
still good is kept. Never for production, whose certificates come from a real CA.

    manage.py make_demo_signing_ca [--dir DIR]
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.signing_ca import make_demo_ca

from ...issuing_bodies import issuing_bodies


class Command(BaseCommand):
    help = "Make a demo CA and a signing certificate with a seal for each issuing body."
    # It runs before the first `migrate` check would fail for want of its certificates.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="where to write (default: PORTAL_SIGNING_DIR)")

    def handle(self, *args, **options):
        directory = Path(options["dir"] or settings.PORTAL_SIGNING_DIR)
        bodies = issuing_bodies()
        try:
            made = make_demo_ca(directory, bodies, settings.PORTAL_SIGNING_PASSWORD)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            f"{directory}: {len(bodies)} issuing bodies, {len(made)} certificates made now"
            + (f" ({', '.join(made)})" if made else "")
        )
        if len(bodies) == 1:
            self.stdout.write("No jurisdictions yet (run migrate first): municipal bureau only.")
