"""Timing the pages that matter, for ``manage.py benchmark``.

Pages are timed in this process through Django's test ``Client`` (signed in with
``force_login``, ``secure=True`` so production's HTTPS redirect stays out of the way)
against ``demo.benchmarks.urls``: the project's URLs plus a hello-world view that goes
through the same middleware. That view is the floor every page is compared with, and it
exists only in that URLconf, never in the site's own.
"""
