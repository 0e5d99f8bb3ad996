"""Lost updates under real concurrency: many editors save the same item from the same
version at once; exactly one wins, the others are refused with what was saved."""

import threading

import pytest
from django.db import connection, connections

from actions.models import ActionStatus
from actions.services import ConflictError, record_action_update, record_story_entry
from sendplan.ratings import BRAGG
from tests.actions.conftest import MAY

EDITORS = 10
ROUNDS = 5

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a server database: SQLite's in-memory test database is one connection",
    ),
]


def _race(work) -> tuple[int, int]:
    """Run ``work(i)`` in EDITORS threads released together; count wins and conflicts."""
    barrier = threading.Barrier(EDITORS)
    outcomes = []

    def editor(i):
        try:
            barrier.wait()
            work(i)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=editor, args=(i,)) for i in range(EDITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes.count("saved"), outcomes.count("conflict")


def test_exactly_one_of_many_simultaneous_status_saves_wins_each_round(open_may, action_a, lead_a):
    for round_ in range(ROUNDS):
        version = ActionStatus.objects.filter(action=action_a).values_list("version", flat=True)
        expected = version[0] if version else 0
        saved, conflicts = _race(
            lambda i, expected=expected, round_=round_: record_action_update(
                action=action_a,
                month=MAY,
                user=lead_a,
                status=BRAGG.AMBER,
                note=f"round {round_} editor {i}",
                expected_version=expected,
            )
        )
        assert (saved, conflicts) == (1, EDITORS - 1)
        row = ActionStatus.objects.get(action=action_a)
        assert row.version == expected + 1
        assert row.history.count() == round_ + 1  # one history row per acknowledged write


def test_simultaneous_first_stories_make_one_entry(open_may, issue_a, lead_a):
    saved, conflicts = _race(
        lambda i: record_story_entry(
            plan=issue_a.plan,
            month=MAY,
            user=lead_a,
            issue=issue_a,
            narrative=f"Editor {i}",
            expected_version=0,
        )
    )
    assert (saved, conflicts) == (1, EDITORS - 1)
    assert issue_a.story_entries.count() == 1
