"""Filters for the Django admin's tables (templates/admin/change_list_results.html)."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _lazy

register = template.Library()


@register.filter
def row_header(cell):
    """A result row's first cell, which Django renders as ``<th class="field-…">`` (the
    record's link), declared the header of its row (``scope="row"``). Only HTML Django
    marked safe (escaped by its ``format_html``) is touched, and only by putting a
    constant attribute into its opening tag: it stays as safe as it was."""
    if isinstance(cell, SafeData) and cell.startswith("<th "):
        return mark_safe('<th scope="row" ' + cell[len("<th ") :])  # noqa: S308 - see above
    return cell


# Django draws a yes/no field as an icon whose alt text is Python's True, False or None,
# in English on every page.
_ICON_ALTS = {
    ' alt="True">': _lazy("是"),
    ' alt="False">': _lazy("否"),
    ' alt="None">': _lazy("未知"),
}


@register.filter
def yes_no_alt(cell):
    """The yes/no icons of Django's cell (``_boolean_icon``) with 是, 否 or 未知 as their
    text. Only HTML Django marked safe is touched, and only its constant ``alt``
    attributes: a typed value is escaped there (``alt=&quot;True&quot;``), never matched."""
    if not isinstance(cell, SafeData) or ' alt="' not in cell:
        return cell
    text = str(cell)
    for raw, said in _ICON_ALTS.items():
        text = text.replace(raw, f' alt="{escape(said)}">')
    return mark_safe(text)  # noqa: S308 - see above
