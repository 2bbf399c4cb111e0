"""Form fields every app may use in place of Django's where Django lets bad input through
to the database."""

from django import forms

# The range of a 64-bit primary key (BigAutoField): a value outside it cannot name a row,
# and SQLite raises OverflowError instead of finding nothing (found by fuzzing).
MAX_ID = 2**63 - 1


class IdChoicesField(forms.ModelMultipleChoiceField):
    """``ModelMultipleChoiceField`` for integer keys that refuses an out-of-range or
    non-numeric id with the field's own "invalid choice" message before any query."""

    def _check_values(self, value):
        for item in value:
            text = str(item).strip()
            if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:40]},
                )
        return super()._check_values(value)
