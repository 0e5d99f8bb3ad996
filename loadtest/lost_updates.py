#!/usr/bin/env python3
"""Lost updates under real concurrency: ten browsers save one action from one version.

    loadtest/lost_updates.py --database-url sqlite:////tmp/big.sqlite3 [--rounds 50]

Needs a database made by ``generate_demo_data`` (and migrated); it starts three gunicorn
app servers on different ports with the production settings (two threads each), so the
browsers' saves meet in different processes as they would behind a load balancer. Ten
browsers sign in as one lead (ten tabs or devices; they take turns across the servers).
Each round, released together, they save the note of the lead's first action, each with
its own text, from the version they all hold: the update page at first, then the page
each got from the round before (a loser's conflict page keeps its text at the version now
stored, as a lead would save again after reading the other version; the winner opens the
page afresh). Exactly one save may win (302); every other must get the conflict page
(409) showing the winning text, with the browser's own text still in its form. After each
round the stored note is the winner's, its version one on, and the action's history has
exactly one new row, the winner's: acknowledged writes are the new history rows, no save
is lost and none overwrites another silently. Exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import html
import os
import secrets
import sys
import tempfile
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_load  # noqa: E402
from checks import Database  # noqa: E402
from client import Browser  # noqa: E402
from forms import FormFields, first_section  # noqa: E402

BROWSERS = 10


def _form(page: requests.Response) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    parser = FormFields("-version")
    parser.feed(page.text)
    found = parser.form()
    if found is None:
        raise RuntimeError(f"{page.url} answered {page.status_code} without the update form.")
    return found


def _open_month(db: Database, plan_slug: str):
    rows = db.rows(
        "SELECT rm.month FROM sendplan_reportingmonth rm "
        "JOIN sendplan_plan p ON p.id = rm.plan_id WHERE p.slug = %s AND rm.status = 'open'",
        [plan_slug],
    )
    if not rows:
        raise RuntimeError(f"{plan_slug} has no open month to save updates in.")
    return rows[0][0]


def sign_in_browsers(ports: list[int], username: str, password: str) -> list[Browser]:
    """Ten browsers signed in as ``username``, taking turns across the servers on ``ports``."""
    clients = [Browser(ports[n % len(ports)]) for n in range(BROWSERS)]
    # The first sign-in alone: Django re-hashes a generated login's password on its first
    # sign-in (the generator's fixed salt is too short), which would sign the others out.
    clients[0].sign_in(username, password)
    with ThreadPoolExecutor(BROWSERS) as pool:
        list(pool.map(lambda client: client.sign_in(username, password), clients[1:]))
    return clients


def lost_update_rounds(
    *, clients: list[Browser], db: Database, plan_slug: str, rounds: int
) -> tuple[dict, list[str]]:
    """Race the signed-in ``clients``' saves of their lead's first action ``rounds`` times;
    the figures and the problems seen."""
    path = f"/plans/{plan_slug}/my-updates/"
    browsers = len(clients)
    # Every text names this run, so rows earlier runs left on the action do not count.
    prefix = f"Lost-update check {secrets.token_hex(4)}, "
    path = first_section(clients[0].get(path).text, path)  # the page of the forms
    with ThreadPoolExecutor(browsers) as pool:
        fields, radios = _form(clients[0].get(path))
        status_field = next((name for name in radios if name.endswith("-status")), None)
        if status_field is None:
            raise RuntimeError(f"The lead has no action to save in {plan_slug}.")
        key = status_field.removesuffix("-status")
        action_id = int(key.removeprefix("action-"))
        # The status stays as stored (or Green when none is): only the note differs.
        status = dict(fields).get(status_field) or (
            "green" if "green" in radios[status_field] else radios[status_field][0]
        )
        month = _open_month(db, plan_slug)

        def stored():
            rows = db.rows(
                "SELECT note, version FROM actions_actionstatus "
                "WHERE action_id = %s AND month = %s",
                [action_id, month],
            )
            return rows[0] if rows else ("", 0)

        def history():
            return db.notes("actions_historicalactionstatus", prefix)

        figures = {"rounds": rounds, "browsers": browsers, "action": key, "won": 0, "409": 0}
        problems: list[str] = []
        winners: list[str] = []
        # Each browser saves from the page it has: the update page, or after losing a
        # round the conflict page, whose form holds its text at the version now stored, as
        # a lead would save again once they had read the other version.
        pages = list(pool.map(lambda client: client.get(path), clients))
        forms = [_form(page)[0] for page in pages]
        for round_ in range(1, rounds + 1):
            texts = [f"{prefix}round {round_}, browser {n + 1}" for n in range(browsers)]
            versions = {dict(form).get(f"{key}-version") for form in forms}
            if len(versions) != 1:
                raise RuntimeError(f"round {round_}: the browsers hold versions {versions}")
            _, before = stored()
            barrier = threading.Barrier(browsers)

            def save(n, forms=forms, texts=texts, barrier=barrier):
                data = [
                    (name, value)
                    for name, value in forms[n]
                    if name not in (status_field, f"{key}-note")
                ]
                data += [(status_field, status), (f"{key}-note", texts[n])]
                barrier.wait()
                try:
                    return clients[n].post(path, data)
                except requests.RequestException as exc:
                    return exc

            answers = list(pool.map(save, range(browsers)))
            won = [n for n, a in enumerate(answers) if getattr(a, "status_code", 0) == 302]
            refused = [n for n, a in enumerate(answers) if getattr(a, "status_code", 0) == 409]
            figures["won"] += len(won)
            figures["409"] += len(refused)
            if len(won) != 1:
                problems.append(f"round {round_}: {len(won)} saves won, not 1")
            unexpected = Counter(
                getattr(answer, "status_code", None) or type(answer).__name__
                for n, answer in enumerate(answers)
                if n not in won and n not in refused
            )
            for what, count in sorted(unexpected.items(), key=str):
                problems.append(f"round {round_}: {count} saves answered {what}, not 302 or 409")
            for n in refused:
                page = answers[n].text
                kept = dict(_form(answers[n])[0]).get(f"{key}-note")
                if kept != texts[n]:
                    problems.append(f"round {round_}: browser {n + 1}'s text was not kept")
                if f'id="conflict-{key}"' not in page or (
                    won and html.escape(texts[won[0]]) not in page
                ):
                    problems.append(
                        f"round {round_}: browser {n + 1}'s conflict page did not show the "
                        "winning save"
                    )
            note, version = stored()
            if won:
                winners.append(texts[won[0]])
                if (note, version) != (texts[won[0]], before + 1):
                    problems.append(
                        f"round {round_}: stored {note!r} at version {version}, not the "
                        f"winner's text at version {before + 1}"
                    )
            elif version != before:
                problems.append(f"round {round_}: no save won but the version moved on")
            reload = [n for n in range(browsers) if n not in refused]
            pages = dict(zip(reload, pool.map(lambda n: clients[n].get(path), reload), strict=True))
            forms = [_form(pages[n] if n in pages else answers[n])[0] for n in range(browsers)]

    saved = history()
    if saved != dict.fromkeys(winners, 1):
        overwritten = sorted(set(saved) - set(winners))
        problems.append(
            f"the history should hold each winner once ({len(winners)} rows), it holds "
            f"{sum(saved.values())} rows"
            + (
                f", {len(overwritten)} of them losers' texts, such as {overwritten[0]!r}"
                if overwritten
                else ""
            )
        )
    figures["history_rows"] = sum(saved.values())
    return figures, problems


def describe(figures: dict) -> str:
    return (
        f"Lost updates: {figures['rounds']} rounds of {figures['browsers']} browsers saving "
        f"{figures['action']} from one version: {figures['won']} saves won, "
        f"{figures['409']} got the conflict page, {figures['history_rows']} history rows"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--servers", type=int, default=3)
    parser.add_argument("--plan", default="area01-wsoa")
    parser.add_argument("--password", default="generated-demo-2023")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("Give --database-url (or set DATABASE_URL).")

    db = Database(args.database_url)
    env = run_load.production_env(args.database_url)
    run_load.collect_static(env)
    work = Path(tempfile.mkdtemp(prefix="sendplan-lost-updates-"))
    servers = []
    try:
        for n in range(args.servers):
            port = run_load.free_port()
            log = work / f"gunicorn-{n + 1}.log"
            servers.append((port, log, run_load.start_gunicorn(env, port, 1, 2, log)))
        for port, _, _ in servers:
            run_load.wait_for_health(port)
        ports = [port for port, _, _ in servers]
        clients = sign_in_browsers(ports, db.leads(args.plan)[-1], args.password)
        figures, problems = lost_update_rounds(
            clients=clients, db=db, plan_slug=args.plan, rounds=args.rounds
        )
    finally:
        for _, _, server in servers:
            run_load.stop(server)
    for _, log, _ in servers:
        server_log = run_load.read_log(log)
        if server_log["server_errors"] or server_log["locked"] or server_log["tracebacks"]:
            problems.append(f"{log.name}: {server_log}")
    print(describe(figures))
    print("lost updates: " + ("; ".join(problems) if problems else "all figures met"))
    print(f"  gunicorn logs: {work}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
