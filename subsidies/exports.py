"""The ranking of a round as an Excel workbook, for municipal staff only (Art. 15 "经评审").

Sheet 1 is the ranking (one row per submitted application, as ``aggregation.ranking``);
sheet 2 is every score of every submitted score sheet, per criterion, with comments.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.spreadsheets import xlsx_row

from .aggregation import RankedApplication
from .selectors import submitted_sheets


def _bold_header(ws, headers):
    ws.append(xlsx_row(ws, headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(10, len(str(header)) * 2 + 2)


def ranking_workbook(round_, ranked: list[RankedApplication], criteria) -> bytes:
    criteria = list(criteria)
    sheets = submitted_sheets(round_, criteria)
    width = max((r.count for r in ranked), default=0)

    wb = Workbook()
    ws = wb.active
    ws.title = _("排名")
    experts = [_("专家%(n)d") % {"n": n} for n in range(1, width + 1)]
    _bold_header(
        ws,
        [_("排名"), _("联盟名称"), _("牵头单位"), _("类别"), *experts]
        + [
            # Which expert each 专家n column is, for this row (panels differ per application).
            _("专家1、2…依次为"),
            _("有效评分数"),
            _("评审得分"),
            _("极差"),
            _("补贴金额（元）"),
            _("须回避的专家（评分不计入）"),
        ],
    )
    for row in ranked:
        application = row.application
        alliance = application.alliance
        # In the order the evaluators were assigned, as on the detail sheet.
        counted = [s for s in sheets.get(application.pk, []) if not s.recused]
        totals = [float(s.total) for s in counted if s.total is not None]
        totals += [None] * (width - len(totals))
        award = getattr(application, "award", None)
        ws.append(
            xlsx_row(
                ws,
                [
                    row.rank,
                    alliance.name,
                    alliance.lead_unit.name,
                    alliance.category_title,
                    *totals,
                    "、".join(s.evaluator_name for s in counted),
                    row.count,
                    float(row.panel) if row.panel is not None else None,
                    float(row.spread) if row.spread is not None else None,
                    award.amount_yuan if award else None,
                    "、".join(row.recused),
                ],
            )
        )

    detail = wb.create_sheet(_("评分明细"))
    _bold_header(
        detail,
        [
            _("联盟名称"),
            _("评审专家"),
            _("评审指标"),
            _("权重（%）"),
            _("得分"),
            _("评分说明"),
            _("加权总分"),
            _("评审意见"),
            _("备注"),
        ],
    )
    for row in ranked:
        for sheet in sheets.get(row.application.pk, []):
            for criterion in criteria:
                score = sheet.scores.get(criterion.pk)
                detail.append(
                    xlsx_row(
                        detail,
                        [
                            row.application.alliance.name,
                            sheet.evaluator_name,
                            criterion.name,
                            criterion.weight,
                            score.score if score else None,
                            score.comment if score else "",
                            float(sheet.total) if sheet.total is not None else None,
                            sheet.assignment.comment,
                            _("须回避，评分不计入") if sheet.recused else "",
                        ],
                    )
                )

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
