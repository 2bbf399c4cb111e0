"""What the demo seeders share."""

import logging
from contextlib import contextmanager

from django.test.utils import override_settings

from alliance_portal.celery import app as celery_app


def _blank_pdf() -> bytes:
    """One blank A4 page: a stand-in for scans (uploads are parsed, so it must be a
    real PDF)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


TINY_PDF = _blank_pdf()


@contextmanager
def quietly():
    """Notices to demo users land in their inboxes; the e-mails go nowhere, and never
    through a Celery worker that might be configured with a real mail server. Nests."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    task_log = logging.getLogger("celery.app.trace")  # one INFO line per inline task
    log_level = task_log.level
    task_log.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield
    finally:
        celery_app.conf.task_always_eager = eager
        task_log.setLevel(log_level)
