"""The admin's result rows: the record's cell heads its row (core/templatetags/admin_tables)."""

from django.utils.html import format_html

from core.templatetags.admin_tables import row_header


def test_the_first_cell_becomes_the_rows_header_and_stays_escaped():
    cell = format_html('<th class="field-name"><a href="/x/">{}</a></th>', "<b>联盟</b>")
    assert row_header(cell) == (
        '<th scope="row" class="field-name"><a href="/x/">&lt;b&gt;联盟&lt;/b&gt;</a></th>'
    )


def test_other_cells_and_unsafe_text_are_left_as_they_are():
    td = format_html('<td class="field-code">{}</td>', "130602")
    assert row_header(td) is td
    typed = '<th onclick="x">'  # a plain string, never marked safe: not touched
    assert row_header(typed) is typed
