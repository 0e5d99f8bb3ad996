"""python manage.py build_report: a forum's report as a file, or a plain message why not."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.management.commands.build_report import Command
from reports.models import IssuedReport
from tests.builders import build_quarter_plan

from .pdf_support import pdf_pages, quarterly_forum


@pytest.fixture
def forum(plan_a):
    build_quarter_plan(plan_a)
    return quarterly_forum(plan_a.area, plan_a)


def _build(*args):
    out = io.StringIO()
    call_command("build_report", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_the_forums_report_for_the_period(forum, plan_a, tmp_path):
    target = tmp_path / "q1.pdf"
    output = _build(
        "--plan", plan_a.slug, "--forum", forum.slug, "--period", "2023-Q1", "-o", str(target)
    )
    assert "Quarterly progress statement, January to March 2023" in output
    assert "SHA-256" in output
    pages = pdf_pages(target.read_bytes())
    assert "Quarterly progress statement" in pages[0]
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert not IssuedReport.objects.exists()  # building is not issuing


def test_the_command_can_build_as_at_a_date(forum, plan_a, tmp_path):
    target = tmp_path / "q1.pdf"
    _build(
        *("--plan", plan_a.slug, "--forum", forum.slug, "--period", "2023-Q1"),
        *("--as-at", "2023-04-30", "-o", str(target)),
    )
    assert "As at 30 April 2023, 23:59" in pdf_pages(target.read_bytes())[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan", "nowhere"], 'There is no plan with the slug "nowhere".'),
        (["--forum", "the-pub"], 'There is no forum "the-pub" in Area A.'),
        (["--period", "2023-Q5"], 'Enter a period such as "2023-04"'),
        (["--period", "2023-04"], 'enter a quarter such as "2023-Q1", not "2023-04"'),
        (["--as-at", "30/04/2023"], "Enter --as-at as a date such as 2023-04-30"),
        (["--user", "nobody"], 'There is no user called "nobody".'),
    ],
)
def test_bad_input_gets_a_plain_message(forum, plan_a, tmp_path, args, message):
    options = {"--plan": plan_a.slug, "--forum": forum.slug, "--period": "2023-Q1"}
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = [part for pair in options.items() for part in pair] + ["-o", str(tmp_path / "x.pdf")]
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        _build(*argv)
    assert not (tmp_path / "x.pdf").exists()


def test_the_command_exits_non_zero_on_an_unknown_plan(db, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(
            [
                *("manage.py", "build_report", "--plan", "nowhere", "--forum", "x"),
                *("--period", "2023-Q1", "-o", str(tmp_path / "x.pdf")),
            ]
        )
    assert exit_info.value.code != 0
    assert 'There is no plan with the slug "nowhere".' in capsys.readouterr().err
