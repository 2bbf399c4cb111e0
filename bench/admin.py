"""A bench-only admin site: the stock Django changelist of the filed alliances, what a
bureau would fall back to without the portal. bench/run.py compares every page with it.

Mounted only in bench/urls.py (bench/settings.py); production never loads this module.
A stock ``ModelAdmin``: five plain columns of the row (no foreign key, so no join), the
default page size, full result count and ordering of ``Alliance``.
"""

from django.contrib import admin

from filings.models import Alliance


class BenchAdminSite(admin.AdminSite):
    site_header = site_title = index_title = "bench"
    # Stock permission: any active staff user (bench/pool.py creates bench_admin).


class AllianceAdmin(admin.ModelAdmin):
    list_display = ["name", "filing_number", "category", "status", "filed_on"]


site = BenchAdminSite(name="bench_admin")
site.register(Alliance, AllianceAdmin)
