"""actions.rules: when an action counts as done and as overdue in a month. (That the plan
page, the dashboard and the PDF agree on these is tests/reports/test_rules_agree.py.)"""

import datetime as dt

from actions.rules import is_done, is_overdue
from sendplan.ratings import BRAGG, RAG
from tests.builders import APRIL, MARCH


def test_blue_counts_as_done_only_from_the_month_it_was_given():
    assert is_done(completed_on=None, latest_status=BRAGG.BLUE, month=APRIL)
    assert not is_done(completed_on=dt.date(2023, 5, 1), latest_status=None, month=APRIL)
    assert is_done(completed_on=dt.date(2023, 4, 30), latest_status=None, month=APRIL)
    assert not is_overdue(
        due_month=APRIL, is_ongoing=False, completed_on=None, latest_status=None, month=APRIL
    )
    assert is_overdue(
        due_month=MARCH, is_ongoing=False, completed_on=None, latest_status=RAG.GREEN, month=APRIL
    )
