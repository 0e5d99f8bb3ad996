#!/usr/bin/env bash
# The concurrency and crash checks CI runs (.ci/run), on SQLite or on PostgreSQL:
#
#   loadtest/ci.sh sqlite       # about a minute on an idle 2-core machine
#   loadtest/ci.sh postgres     # the same on its own database, sendplan_ci_load, on
#                               # postgres://postgres@127.0.0.1:5432 (--server-url)
#
# On a fresh database (5 generated areas x 6 months) against gunicorn with the production
# settings: a short load run of simulated leads, lost-update rounds (10 browsers saving one
# action from one version: exactly one may win, the others get the conflict page with
# their text kept) and saves killed mid-write (nothing half-written, the next request
# served). Fails on correctness only, never on response times; see loadtest/ci.py for
# the figures and the options (fewer or more rounds, a longer load run).
set -euo pipefail

cd "$(dirname "$0")/.."

exec .venv/bin/python loadtest/ci.py "$@"
