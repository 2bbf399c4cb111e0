from django.core.cache import cache
from django.core.management.base import BaseCommand

from portal.cache import bump_data_version


class Command(BaseCommand):
    help = (
        "Empties the portal's cache (sessions fall back to the database; cached pages are "
        "rendered again). Run it after restoring a backup (docs/operations.md)."
    )

    def handle(self, *args, **options):
        cleared = cache.clear()
        bump_data_version()
        if cleared is False:
            self.stderr.write("the cache could not be reached; nothing was cleared")
            raise SystemExit(1)
        self.stdout.write("cache cleared")
