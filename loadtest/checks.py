"""The app's database as the load and crash scripts see it: SQLite or PostgreSQL, read
directly to judge what the server stored."""

from __future__ import annotations

import contextlib
import sqlite3

import psycopg
from psycopg import sql


class Database:
    """Queries on the database behind ``DATABASE_URL`` (written with ``%s`` placeholders)."""

    def __init__(self, url: str):
        self.url = url
        self.sqlite_path = url.removeprefix("sqlite:///") if url.startswith("sqlite:") else None

    @property
    def vendor(self) -> str:
        return "sqlite" if self.sqlite_path else "postgresql"

    def rows(self, query: str, params=()) -> list[tuple]:
        if self.sqlite_path:
            with contextlib.closing(sqlite3.connect(self.sqlite_path, timeout=20)) as conn:
                return conn.execute(query.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def leads(self, plan_slug: str) -> list[str]:
        """The usernames of the plan's leads, from the one leading the most actions (the
        widest save) to the one leading the fewest (the shortest update page)."""
        rows = self.rows(
            "SELECT u.username FROM sendplan_user u "
            "JOIN sendplan_person p ON p.user_id = u.id "
            "JOIN actions_actionlead al ON al.person_id = p.id "
            "JOIN sendplan_plan pl ON pl.id = al.plan_id "
            "WHERE pl.slug = %s GROUP BY u.username ORDER BY COUNT(*) DESC, u.username",
            [plan_slug],
        )
        if not rows:
            raise RuntimeError(f"No lead with a login leads an action in {plan_slug}.")
        return [username for (username,) in rows]

    def notes(self, table: str, prefix: str) -> dict[str, int]:
        """How many rows of ``table`` carry each note starting with ``prefix``."""
        return dict(
            self.rows(
                f"SELECT note, COUNT(*) FROM {table} WHERE note LIKE %s GROUP BY note",  # noqa: S608 - our own table names
                [prefix + "%"],
            )
        )


def recreate_postgres_database(server_url: str, name: str) -> str:
    """An empty database ``name`` on the server (dropped first if it is there); its URL."""
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{server_url}/{name}"


def drop_postgres_database(server_url: str, name: str) -> None:
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def judge_crashed_saves(db: Database, outcomes: list[dict], prefix: str) -> tuple[list, list]:
    """Lines describing each save a crash interrupted, and the problems found.

    Each outcome is a save of every action a lead leads, all carrying one marker note:
    ``{"marker", "actions", "answer", "kill"}``. A save writes one history row per action
    and later saves overwrite the live rows, so every marker must be in the history of
    all the actions or of none (no half-written save), every save the server acknowledged
    (302) must be there, and the live rows must all carry the last whole save's marker.
    """
    history = db.notes("actions_historicalactionstatus", prefix)
    live = db.notes("actions_actionstatus", prefix)
    lines, problems = [], []
    last_whole = None
    for outcome in outcomes:
        marker, expected = outcome["marker"], outcome["actions"]
        rows = history.get(marker, 0)
        state = "all" if rows == expected else "none" if rows == 0 else "PARTIAL"
        outcome["state"] = state
        if state == "all":
            last_whole = outcome
        if state == "PARTIAL":
            problems.append(f"{marker}: half-written, {rows} of {expected} actions saved")
        if outcome["answer"].get("status") == 302 and state != "all":
            problems.append(f"{marker}: acknowledged (302) but {rows} of {expected} saved")
        kill = f", {outcome['kill']}" if outcome.get("kill") else ""
        lines.append(
            f"  {marker}: {outcome['answer']}{kill} -> {rows}/{expected} history rows ({state})"
        )
    if last_whole is not None and live != {last_whole["marker"]: last_whole["actions"]}:
        problems.append(
            f"the live rows should all carry {last_whole['marker']} "
            f"({last_whole['actions']} actions), not {live}"
        )
    return lines, problems
