"""The random draw of evaluators (Art. 15 "经评审"; issue 15 item 13), as plain data.

A draw is ``random.Random(seed)`` walking the pool in primary-key order: for each
application in primary-key order the pool is shuffled once, and the candidates are taken
in that order, skipping every conflict, until the panel is full. The seed comes from
``secrets`` and is kept with what the draw saw (``ExpertDraw.record``), so that
``replay`` gives the same experts again from the record alone.

Conflicts (回避):
- the expert's organisation is a member unit (or the lead unit) of the applying alliance
  (``subsidies.conflicts``);
- the expert's organisation is that of another expert on the same application (already
  assigned or drawn before in this draw);
- the expert is, or was, on the application's panel (a withdrawn assignment is never
  drawn again: the expert recused or was replaced).
"""

import random
import secrets
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

MEMBER = _("所在单位是该联盟的成员单位（或牵头单位），须回避")
SAME_ORGANISATION = _("与本申请的另一位评审专家同属一个单位")
ON_PANEL = _("已分配给本申请")
WAS_ON_PANEL = _("曾分配给本申请（已回避或被替换）")


def new_seed() -> str:
    return secrets.token_hex(16)


@dataclass
class Candidate:
    pk: int
    name: str
    organisation_id: int | None
    organisation: str

    def as_row(self) -> list:
        return [self.pk, self.name, self.organisation_id, self.organisation]


@dataclass
class Panel:
    """One application's part of a draw: what it saw and what it drew."""

    application: int
    alliance: str
    need: int
    candidates: list[Candidate]
    #: Candidates out before the draw: id → reason (membership, on the panel already).
    #: Experts no longer in the pool (deactivated) may be named here too.
    excluded: dict[int, str] = field(default_factory=dict)
    #: Organisations of the experts who stay on the panel.
    taken_organisations: set[int] = field(default_factory=set)
    drawn: list[Candidate] = field(default_factory=list)
    #: Passed over while drawing: the same organisation as an expert drawn before.
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)

    @property
    def short(self) -> int:
        return self.need - len(self.drawn)

    def as_record(self) -> dict:
        names = {c.pk: c.name for c in self.candidates}
        excluded = [[pk, names.get(pk, ""), str(why)] for pk, why in sorted(self.excluded.items())]
        return {
            "application": self.application,
            "alliance": self.alliance,
            "need": self.need,
            "candidates": [c.as_row() for c in self.candidates],
            "excluded": excluded,
            "taken_organisations": sorted(self.taken_organisations),
            # Who was skipped and why: every conflict known before the draw, then the
            # experts passed over while drawing (same organisation as one drawn).
            "skipped": excluded + [[c.pk, c.name, str(why)] for c, why in self.skipped],
            "drawn": [[c.pk, c.name] for c in self.drawn],
        }


def pick(rng: random.Random, panel: Panel) -> Panel:
    """Fill ``panel`` from its candidates in the order ``rng`` shuffles them."""
    order = sorted(panel.candidates, key=lambda c: c.pk)
    rng.shuffle(order)
    taken = set(panel.taken_organisations)
    for candidate in order:
        if len(panel.drawn) == panel.need:
            break
        if candidate.pk in panel.excluded:
            continue
        if candidate.organisation_id in taken:
            panel.skipped.append((candidate, SAME_ORGANISATION))
            continue
        panel.drawn.append(candidate)
        if candidate.organisation_id is not None:
            taken.add(candidate.organisation_id)
    return panel


def draw(seed: str, panels: list[Panel]) -> list[Panel]:
    """Every panel filled in turn (applications in primary-key order) by one generator."""
    rng = random.Random(seed)
    for panel in sorted(panels, key=lambda p: p.application):
        pick(rng, panel)
    return panels


def replay(seed: str, record: list[dict]) -> list[list[int]]:
    """The experts (ids, per application in the record's order) that ``seed`` draws from
    what a stored draw saw: equal to its ``drawn`` when the record is what was drawn."""
    panels = [
        Panel(
            application=entry["application"],
            alliance=entry["alliance"],
            need=entry["need"],
            candidates=[Candidate(*row) for row in entry["candidates"]],
            excluded={pk: reason for pk, _name, reason in entry["excluded"]},
            taken_organisations=set(entry["taken_organisations"]),
        )
        for entry in record
    ]
    draw(seed, panels)
    return [[c.pk for c in p.drawn] for p in sorted(panels, key=lambda p: p.application)]
