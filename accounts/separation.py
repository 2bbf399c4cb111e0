"""三员分立 (等保2.0): the system administrator, the security administrator and the security
auditor are three people. The system administrator manages users in the Django admin, so
the two roles that watch them must be out of that administrator's reach: it cannot give
them, take them away, or change, delete or set the password of an account that holds one
(else it could make itself an auditor and read, or quiet, the log of its own actions).
They are given on the server by its operator (``manage.py separated_role``), audited."""

#: The roles outside the system administrator's reach.
SEPARATED_ROLES = ("auditor", "security_admin")


def is_separated(user) -> bool:
    return getattr(user, "role", "") in SEPARATED_ROLES
