"""Each role's to-do list (待办事项) on its home page: one selector per role.

An item is a button to a list page, with the query string that makes that list show
exactly the item's records. Its count is taken from the same selector and the same
FilterSet, with the same parameters, as the list page: ``items.list_item`` builds the URL
and the queryset from one dict, so the count and the list cannot drift
(tests/portal/test_todo*.py open every item's list and count its rows). Items with nothing
waiting are left out.

Each item costs a count and, when it shows rows, one query for its first rows: the home
pages' query counts do not grow with the records.
"""

from .items import TodoItem, TodoRow
from .reviewers import county_todo, municipal_todo
from .units import evaluator_todo, lead_unit_todo

__all__ = [
    "TodoItem",
    "TodoRow",
    "county_todo",
    "evaluator_todo",
    "lead_unit_todo",
    "municipal_todo",
]
