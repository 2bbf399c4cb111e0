def memberships(request):
    """For a unit's users: how many memberships await the unit administrator's answer
    (the navigation's badge). Lazy: one COUNT, only on pages that render it."""
    user = getattr(request, "user", None)
    if not (user is not None and user.is_authenticated and user.is_lead_unit):
        return {}
    from .selectors import memberships_of

    return {"membership_pending_count": lambda: memberships_of(user).filter(awaiting=True).count()}
