"""The Celery application: one per project, configured from Django settings (CELERY_*)."""

import os
import threading

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance_portal.settings")

app = Celery("alliance_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Tasks write e-mails, inbox notices, exports and audit entries: official texts, in the
# portal's language (Chinese) whoever caused them. A worker has no active language, so
# this matters when a task runs inside a request (eager, the embedded default), where the
# reader's language is active; it is restored afterwards.
_languages = threading.local()


@signals.task_prerun.connect
def _portal_language(**kwargs):
    from django.conf import settings
    from django.utils import translation

    stack = getattr(_languages, "stack", None)
    if stack is None:
        stack = _languages.stack = []
    stack.append(translation.get_language())
    translation.activate(settings.LANGUAGE_CODE)


@signals.task_postrun.connect
def _previous_language(**kwargs):
    from django.utils import translation

    stack = getattr(_languages, "stack", None)
    previous = stack.pop() if stack else None
    if previous:
        translation.activate(previous)
    else:
        translation.deactivate()
