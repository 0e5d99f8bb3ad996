"""The app's database as the load and crash scripts see it: SQLite or PostgreSQL, read
directly to judge what the server stored."""

from __future__ import annotations

import contextlib
import sqlite3

import psycopg


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
