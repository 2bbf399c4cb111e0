"""Filters for the Django admin's tables (templates/admin/change_list_results.html)."""

from django import template
from django.utils.safestring import SafeData, mark_safe

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
