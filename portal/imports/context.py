"""What the resources of one import share: who imports which file, the lookups, the
units and alliances known so far (the database's and those the file creates), and the
report being built."""

from dataclasses import dataclass

from accounts.registration import derived_division

from .choices import Lookups

#: How many row lines the report keeps (every count is kept; refusals first).
REPORT_ROWS = 2000


@dataclass
class Line:
    sheet: str
    row: int
    outcome: str  # created | matched | refused
    text: str


class Context:
    def __init__(self, *, user, sha256: str, today, progress=None, total: int = 0):
        self.user = user
        self.sha256 = sha256
        self.today = today
        self.progress = progress
        self.total = total
        self.done = 0
        self.lookups = Lookups()
        self.orgs = {}  # credit code → Organisation (stored or created by this file)
        self.alliances = {}  # filing number → Alliance (stored or created by this file)
        self.refused_codes = set()  # codes whose row in 单位 was refused
        self.refused_numbers = set()  # filing numbers whose row in 联盟 was refused
        # Stored alliances the paper register may not touch: filing number → why not.
        self.closed_numbers = {}
        self.created = []  # (instance, reason) for the audit, in the order created
        self.lines: list[Line] = []
        self.refusals: list[str] = []
        self.counts = {}
        self._jurisdictions = {}
        self._codes = {j.code: j for j in self.lookups.jurisdictions.values()}

    def count(self, sheet, outcome: str) -> None:
        counts = self.counts.setdefault(
            sheet.key, {"title": sheet.title, "created": 0, "matched": 0, "refused": 0}
        )
        counts[outcome] += 1

    def line(self, sheet, row: int, outcome: str, text: str) -> None:
        self.count(sheet, outcome)
        if outcome == "refused":
            self.refusals.append(text)
        if len(self.lines) < REPORT_ROWS:
            self.lines.append(Line(sheet.title, row, outcome, text))

    def created_record(self, instance, sheet_title: str, row: int | None) -> None:
        where = f"{sheet_title}表第{row}行" if row else f"{sheet_title}表"
        self.created.append((instance, f"导入历史数据（{where}），文件SHA-256：{self.sha256}"))

    def tick(self) -> None:
        self.done += 1
        if self.progress and self.done % 500 == 0:
            self.progress(self.done, self.total)

    def jurisdiction_of(self, code: str):
        """``accounts.registration.derive_jurisdiction`` without a query per row."""
        division = derived_division(code)
        return None if division is None else self._codes.get(division)
