"""What every sheet's resource does the same way, on django-import-export's row loop.

A row is read cell by cell in ``before_import_row`` (``parse``, one subclass method per
sheet): each cell's refusal is kept under the column's header. ``get_instance`` returns
the record the row matches (an existing credit code, filing number, member, summary or
award), which is then skipped — never updated — and reported as matched; otherwise
``init_instance`` builds the new record from the parsed values, and django-import-export
validates (our errors, raised in ``import_instance``) and saves it (in bulk where the
resource says so). The resources never open or roll back a transaction: the service runs
all sheets in one and rolls it back for a dry run or any refusal.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export.resources import ModelResource
from import_export.results import RowResult

from ..cells import CellError
from ..reading import ROW, row_message


class SheetResource(ModelResource):
    #: The ``columns.Sheet`` this resource reads.
    sheet = None

    class Meta:
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        skip_html_diff = True
        clean_model_instances = False
        report_skipped = True
        fields = ()

    def __init__(self, context):
        super().__init__()
        self.ctx = context
        # key → Excel row of its first occurrence in this sheet (duplicates are refused)
        self.seen = {}

    # --- Reading a row -----------------------------------------------------------------

    def parse(self, row) -> tuple[dict, object]:
        """(values for the new record, the existing record it matches or None)."""
        raise NotImplementedError

    def cell(self, row, key, parser, *args, **kwargs):
        header = self.sheet.header(key)
        try:
            return parser(row.get(header, ""), *args, **kwargs)
        except CellError as error:
            self.refuse(key, str(error))
            return None

    def refuse(self, key, message) -> None:
        header = self.sheet.header(key) if key else NON_FIELD_ERRORS
        self._errors.setdefault(header, []).append(message)

    def once(self, column, identity) -> bool:
        """False (and the row refused) when ``identity`` came earlier in this sheet."""
        first = self.seen.setdefault(identity, self._row)
        if first != self._row:
            self.refuse(column, _("与本表第%(row)d行重复。") % {"row": first})
            return False
        return True

    # --- django-import-export's hooks ----------------------------------------------------

    def before_import_row(self, row, **kwargs):
        self._row = row[ROW]
        self._errors = {}
        self._values, self._existing = self.parse(row)

    def get_instance(self, instance_loader, row):
        return None if self._errors else self._existing

    def init_instance(self, row=None):
        if self._errors:
            return self._meta.model()
        return self.build(self._values)

    def build(self, values):
        return self._meta.model(**values)

    def import_instance(self, instance, row, **kwargs):
        if self._errors:
            raise ValidationError(self._errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not import_validation_errors and self._existing is not None

    def after_import_row(self, row, row_result, **kwargs):
        self.ctx.tick()
        if row_result.import_type == RowResult.IMPORT_TYPE_NEW:
            self.ctx.line(self.sheet, self._row, "created", self.describe_new(self._values))
            self.created(row_result, self._row)
        elif row_result.import_type == RowResult.IMPORT_TYPE_SKIP:
            self.ctx.line(self.sheet, self._row, "matched", self.describe_match(self._existing))

    def created(self, row_result, row: int) -> None:
        """Remember the new record for the audit (its pk comes with the bulk insert)."""
        self._pending.append((self._new_instance, row))

    def save_instance(self, instance, is_create, row, **kwargs):
        self._new_instance = instance
        super().save_instance(instance, is_create, row, **kwargs)

    def before_import(self, dataset, **kwargs):
        self._pending = []
        self.prepare(dataset)

    def prepare(self, dataset) -> None:
        """Read what the sheet's rows may match, in a few queries for the whole sheet."""

    def after_import(self, dataset, result, **kwargs):
        # Not ModelResource's: it resets the table's id sequence, which we never write.
        for number, messages in sorted(_failures(result).items()):
            self.ctx.tick()
            values = dataset[number - 1]
            excel_row = values[-1]
            for header, message in messages:
                self.ctx.line(
                    self.sheet,
                    excel_row,
                    "refused",
                    row_message(self.sheet.title, excel_row, header, message),
                )
            self.refused(dict(zip(dataset.headers, values, strict=True)))
        for instance, row in self._pending:
            self.ctx.created_record(instance, self.sheet.title, row)
            self.registered(instance)
        self.finish()

    def registered(self, instance) -> None:
        """A new record, now stored (with its pk): what later sheets may name."""

    def refused(self, row) -> None:
        """A refused row: later sheets naming it are told so."""

    def finish(self) -> None:
        """What a sheet writes beside its rows, once they are stored."""

    def describe_new(self, values) -> str:
        raise NotImplementedError

    def describe_match(self, existing) -> str:
        raise NotImplementedError


def _failures(result) -> dict[int, list[tuple[str, str]]]:
    """Row number (in the dataset) → [(header or "", message)] of every refused row."""
    found = {}
    for invalid in result.invalid_rows:
        for header, messages in invalid.error_dict.items():
            shown = "" if header == NON_FIELD_ERRORS else header
            found.setdefault(invalid.number, []).extend((shown, m) for m in messages)
    for number, errors in result.row_errors():
        found.setdefault(number, []).extend(
            ("", _("无法导入：%(error)s") % {"error": e.error}) for e in errors
        )
    return found
