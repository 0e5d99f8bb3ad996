"""Simulated SEND leads for locust: sign in, read pages, save draft updates.

Each simulated user is one generated lead (``generate_demo_data``): user n signs in as
``area{n % areas + 1:02d}-lead{n // areas % 6 + 1}``, so no two users share a lead while
there are fewer users than areas x 6 and no two of them edit the same item. About 70% of
requests read (my updates, the plan page, the dashboard) and 30% write (saving the month's
update as a draft, one transaction over every item the lead leads, as the page's "Save"
button does).

The server is reached over plain HTTP on 127.0.0.1 as if through a TLS-terminating load
balancer: every request carries ``X-Forwarded-Proto: https`` (production settings trust
it) and an https ``Origin``, and the secure ``__Host-`` cookies production sets are kept
and sent back over the loopback connection.

Environment: ``LOCUST_AREAS`` (how many generated areas exist, default 1),
``LOCUST_PASSWORD`` (the generated logins' password), ``LOCUST_WAIT`` (seconds a lead
reads a page before the next click, "MIN,MAX", default "3,8") and
``LOCUST_STEADY_SECONDS`` (stop that many seconds after every lead has signed in, and
count only those seconds; default: run for ``--run-time``) and ``LOCUST_ADVISERS`` (one
simulated adviser for that many leads, default 0: none).

Simulated advisers (issue 20) sign in as ``generate_demo_data``'s adviser logins in turn
(``national-adviser``, then each region's), read the page of every area they advise (a
regional or the national page), its CSV now and then, and drill down to an area's dashboard.
"""

from __future__ import annotations

import itertools
import os
import random
import re
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlsplit

import gevent
from client import simulated_lead
from forms import FormFields, first_section
from locust import HttpUser, between, tag, task
from urllib3.util.retry import Retry

AREAS = int(os.environ.get("LOCUST_AREAS", "1"))
PASSWORD = os.environ.get("LOCUST_PASSWORD", "generated-demo-2023")
WAIT = tuple(float(s) for s in os.environ.get("LOCUST_WAIT", "3,8").split(","))
STEADY_SECONDS = float(os.environ.get("LOCUST_STEADY_SECONDS", "0"))
LEADS_PER_ADVISER = int(os.environ.get("LOCUST_ADVISERS", "0"))
# generate_demo_data's adviser logins: national, then the nine English regions.
ADVISER_LOGINS = ["national-adviser"] + [
    f"{region}-adviser"
    for region in (
        "north-east",
        "north-west",
        "yorkshire-and-the-humber",
        "east-midlands",
        "west-midlands",
        "east-of-england",
        "london",
        "south-east",
        "south-west",
    )
]
_numbers = itertools.count()
_adviser_numbers = itertools.count()
_signed_in = itertools.count(1)


def _send_secure_cookies_over_loopback(policy, cookie, request) -> bool:
    return True


# requests copies the session's cookies into a new jar with the default policy for every
# request, so a policy set on the session is lost: the default policy itself is told to
# send Secure cookies over http. This process only ever talks to the loopback server.
DefaultCookiePolicy.return_ok_secure = _send_secure_cookies_over_loopback


# A browser sends a request again when the server closed the kept-alive connection it went
# out on before answering (gunicorn closes an idle one after --keep-alive seconds, and a
# click can cross that close). The simulated leads do the same for page reads, once; the
# log line urllib3 writes for each ("Retrying (...) after connection broken by ...") is
# counted by run_load.read_retries. A connection refused, a second break or any POST is
# still a failure.
AS_A_BROWSER_DOES = Retry(
    total=1, connect=0, read=1, status=0, other=0, allowed_methods=frozenset({"GET"})
)


class SignedIn(HttpUser):
    """What leads and advisers share: signing in, and page reads that must answer 200."""

    abstract = True
    wait_time = between(*WAIT)

    def on_start(self):
        self.origin = "https://" + urlsplit(self.host).netloc
        for adapter in self.client.adapters.values():
            adapter.max_retries = AS_A_BROWSER_DOES
        self.client.headers.update({"X-Forwarded-Proto": "https"})
        self.sign_in()
        if next(_signed_in) == self.environment.parsed_options.num_users and STEADY_SECONDS:
            # A run of STEADY_SECONDS once every user has signed in, however long the
            # sign-ins took (half a second of CPU each on purpose; more on a busy machine).
            self.environment.stats.reset_all()
            gevent.spawn_later(STEADY_SECONDS, self.environment.runner.quit)

    def _get(self, path: str, name: str):
        """A page read: anything but 200 (a redirect to sign-in, say) is a failure."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{name} answered {response.status_code}")
            return response

    def sign_in(self):
        page = self.client.get("/sign-in/", name="sign in page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        with self.client.post(
            "/sign-in/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": self.username,
                "password": PASSWORD,
            },
            headers={"Origin": self.origin, "Referer": self.origin + "/sign-in/"},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in as {self.username} answered {response.status_code}")


class Adviser(SignedIn):
    """A DfE or NHS England adviser comparing the areas they advise, read only."""

    abstract = not LEADS_PER_ADVISER  # no advisers unless asked for

    def on_start(self):
        number = next(_adviser_numbers)
        self.username = ADVISER_LOGINS[number % len(ADVISER_LOGINS)]
        super().on_start()

    @task(4)
    def areas_page(self):
        page = self._get("/advisers/areas/", "advisers' page")
        self.dashboards = re.findall(r'href="(/plans/[^/"]+/dashboard/)"', page.text)

    @task(1)
    def areas_csv(self):
        self._get("/advisers/areas.csv", "advisers' page (CSV)")

    @task(2)
    def drill_down(self):
        dashboards = getattr(self, "dashboards", None)
        if dashboards:
            path = random.choice(dashboards)  # noqa: S311 - which area, not a secret
            self._get(path, "dashboard (adviser)")


class Lead(SignedIn):
    # A lead reads a page before the next click: 3 to 8 seconds, so 20 leads make about
    # 3.6 requests a second, a busy month-end for one installation. CI's short run waits
    # less, to pack as many overlapping saves into a few seconds.
    wait_time = between(*WAIT)

    weight = LEADS_PER_ADVISER or 1

    def on_start(self):
        self.username, self.plan = simulated_lead(next(_numbers), AREAS)
        self.saves = 0
        super().on_start()

    # --- Reads (about 70%) ---------------------------------------------------------------

    @task(3)
    def my_updates(self):
        self._get(f"/plans/{self.plan}/my-updates/", "my updates")

    @task(2)
    def plan_page(self):
        self._get(f"/plans/{self.plan}/", "plan page")

    @tag("dashboard")
    @task(2)
    def dashboard(self):
        self._get(f"/plans/{self.plan}/dashboard/", "dashboard")

    # --- Writes (about 30%) --------------------------------------------------------------

    @task(3)
    def save_draft(self):
        tasks = f"/plans/{self.plan}/my-updates/"
        path = first_section(self._get(tasks, "my updates (before saving)").text, tasks)
        page = self._get(path, "a page of my updates")
        parser = FormFields("-version")
        parser.feed(page.text)
        found = parser.form()
        if found is None:
            return  # nothing to update this month: a read, then
        fields, radios = found
        statuses = [name for name in radios if name.endswith("-status")]
        if not statuses:
            return
        self.saves += 1
        chosen = random.choice(statuses)  # noqa: S311 - which item to edit, not a secret
        key = chosen[: -len("-status")]
        data = [(n, v) for n, v in fields if n not in (chosen, f"{key}-note")]
        status = "green" if "green" in radios[chosen] else radios[chosen][0]
        data += [(chosen, status), (f"{key}-note", f"Load test draft {self.saves}")]
        with self.client.post(
            path,
            data=data,
            headers={"Origin": self.origin, "Referer": self.origin + path},
            name="save draft",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # 409: another lead saved a co-led item first; the page shows both versions and
            # keeps this lead's text (the lost-update guard at work, not an error).
            if response.status_code in (302, 409):
                response.success()
            else:
                response.failure(f"saving a draft answered {response.status_code}")
