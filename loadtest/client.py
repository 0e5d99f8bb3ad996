"""A signed-in browser for the load and crash scripts, as locust's simulated leads are.

The server is reached over plain HTTP on 127.0.0.1 as if through a TLS-terminating load
balancer: every request carries ``X-Forwarded-Proto: https`` (production settings trust
it) and an https ``Origin``, and the secure ``__Host-`` cookies production sets are sent
back over the loopback connection.
"""

from __future__ import annotations

import re

import requests
from forms import FormFields, first_section

LEADS_PER_AREA = 6  # generate_demo_data's area01-lead1 ... area01-lead6


def simulated_lead(number: int, areas: int) -> tuple[str, str]:
    """The login and plan of locust's simulated lead ``number`` (from 0) over ``areas``
    generated areas: no two share a lead while there are fewer than areas x 6."""
    area = number % areas + 1
    lead = number // areas % LEADS_PER_AREA + 1
    return f"area{area:02d}-lead{lead}", f"area{area:02d}-wsoa"


class Browser:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.origin = f"https://127.0.0.1:{port}"
        self.session = requests.Session()
        self.session.headers["X-Forwarded-Proto"] = "https"
        # A new connection for each request: one kept alive can be closed by gunicorn
        # (after 2 s idle) just as a request goes out on it, which a browser would send
        # again but requests reports as an error.
        self.session.headers["Connection"] = "close"

    def _cookies(self):
        for cookie in self.session.cookies:  # Secure cookies, sent back over loopback
            cookie.secure = False

    def get(self, path):
        self._cookies()
        return self.session.get(self.base + path, allow_redirects=False, timeout=60)

    def post(self, path, data):
        self._cookies()
        return self.session.post(
            self.base + path,
            data=data,
            headers={"Origin": self.origin, "Referer": self.origin + path},
            allow_redirects=False,
            timeout=60,
        )

    def sign_in(self, username, password):
        page = self.get("/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        done = self.post(
            "/sign-in/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        if done.status_code != 302:
            raise RuntimeError(f"sign-in as {username} answered {done.status_code}")


def section_of_tasks(browser: Browser, task_list_path: str) -> str:
    """The address of the lead's first page of items, from the task list at the path."""
    return first_section(browser.get(task_list_path).text, task_list_path)


def update_form(browser: Browser, path: str, marker: str) -> tuple[list, int]:
    """The update page's form with every action's BRAGG status set and ``marker`` as every
    action's note (in the page's order), and how many actions that is."""
    page = browser.get(path)
    parser = FormFields("-version")
    parser.feed(page.text)
    fields, radios = parser.form()
    statuses = [name for name in radios if name.endswith("-status")]
    changed = set(statuses) | {n.replace("-status", "-note") for n in statuses}
    data = [(n, v) for n, v in fields if n not in changed]
    for name in statuses:
        value = "amber" if "amber" in radios[name] else radios[name][0]
        data += [(name, value), (name.replace("-status", "-note"), marker)]
    return data, len(statuses)
