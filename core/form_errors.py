"""The error summary at the top of a page whose form was refused (the errors used to sit
far below the fold, ~1,650 px down the filing form): one line per error, each a link to
its field.

The forms are found in the page's context, so that every page gets the summary from
``base.html`` without each view or template asking for it: a form or formset among the
context's values, in a list of them, or in a list of dicts (a page's action rows).
Forms the context holds deeper (on objects) are named in ``error_forms``.
"""

from dataclasses import dataclass

from django import forms
from django.forms.formsets import BaseFormSet


@dataclass(frozen=True)
class ErrorLine:
    label: str  # the field's label, "" for an error about the whole form
    message: str
    target: str  # the id of the element to jump to, "" when there is none


def _forms_in(value):
    if isinstance(value, forms.BaseForm):
        yield value
    elif isinstance(value, BaseFormSet):
        yield from value.forms
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, dict):
                for inner in item.values():
                    if isinstance(inner, forms.BaseForm | BaseFormSet):
                        yield from _forms_in(inner)
            elif isinstance(item, forms.BaseForm | BaseFormSet):
                yield from _forms_in(item)


def _target(bound_field) -> str:
    """The id of the field's first focusable element: a radio or checkbox list's first
    option (the list itself has no input of its own), else the field's input."""
    if bound_field.is_hidden:
        return ""
    auto_id = bound_field.auto_id
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple) and auto_id:
        return f"{auto_id}_0"
    return bound_field.id_for_label or auto_id or ""


def _lines(form) -> list[ErrorLine]:
    if isinstance(form, BaseFormSet):
        return [ErrorLine("", str(message), "") for message in form.non_form_errors()]
    lines = [ErrorLine("", str(message), "") for message in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound_field = form[name]
        for message in errors:
            lines.append(
                ErrorLine(str(bound_field.label or ""), str(message), _target(bound_field))
            )
    return lines


def error_lines(context) -> list[ErrorLine]:
    """Every error of every bound form of a page answering a POST, in the forms' order,
    each once."""
    request = context.get("request")
    if request is None or request.method != "POST":
        return []  # a filter form's errors are not a failed submission
    seen, lines = set(), []
    for value in context.flatten().values():
        for form in _forms_in(value):
            if id(form) in seen or not form.is_bound:
                continue
            seen.add(id(form))
            lines.extend(_lines(form))
    return lines
