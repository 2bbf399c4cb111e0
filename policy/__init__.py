"""Policy as data (issue 13): which version of the measures applies on a day.

``in_force(day)`` is the published version whose validity contains ``day``, or None;
``applied(day)`` is what the portal applies: the version in force or, when none is (the
2018 measures lapsed on 2023-09-18), the last published one before ``day`` under
``PORTAL_POLICY_WHEN_LAPSED = "keep_last"`` — None under ``"refuse"``.
"""


def in_force(day=None):
    from .selectors import in_force as _in_force

    return _in_force(day)


def applied(day=None):
    from .selectors import applied as _applied

    return _applied(day)
