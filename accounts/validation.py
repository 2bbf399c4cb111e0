"""What is wrong with a credit code about to be registered, in words a user can act on:
one rule for the registration form, change requests and their approval."""

from django.utils.translation import gettext as _

from .models import Organisation
from .uscc import compact, uscc_problem


def uscc_refusal(code: str, *, exclude_pk=None) -> str | None:
    """The problem with ``code`` (format, check character, or another unit holding it),
    or None when the code may be registered for the unit ``exclude_pk``."""
    code = compact(code)
    problem = uscc_problem(code)
    if problem:
        return problem
    existing = Organisation.objects.filter(uscc=code).exclude(pk=exclude_pk).first()
    if existing:
        return _("统一社会信用代码 %(code)s 已登记为“%(name)s”，请勿重复添加。") % {
            "code": code,
            "name": existing.name,
        }
    return None
