from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with ``changes`` applied: keeps filters across pages."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def wan(amount):
    """500000 → 50万元 (core.money); on an English page “CNY 500,000” (万 is no unit an
    English reader counts in)."""
    from django.utils.translation import get_language

    from core.money import wan as in_wan

    if amount not in (None, "") and (get_language() or "").startswith("en"):
        return f"CNY {int(amount):,}"
    return in_wan(amount)


@register.filter
def money(amount):
    """500000 → ￥500,000.00 (core.money)."""
    from core.money import money as as_money

    return as_money(amount)


@register.filter
def capital(amount):
    """500000 → 伍拾万元整 (core.money)."""
    from core.money import capital as in_capital

    return in_capital(amount)


@register.inclusion_tag("includes/form_errors.html", takes_context=True)
def form_error_summary(context):
    """The summary of a refused form's errors at the top of the page (core.form_errors)."""
    from core.form_errors import error_lines

    return {"error_lines": error_lines(context)}
