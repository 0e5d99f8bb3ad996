"""Reading an upload in a child process that has a memory limit and a time limit.

The reader's checks (``reading``) bound what a file may ask for, but a parser can still be
made to work hard inside them: openpyxl keeps every shared string of a workbook in memory,
so a 238 KB workbook whose shared strings unpack to 97 MB once took 940 MB and a minute.
So every upload is read by a new Python process (``python -m`` this module) that limits
itself before it reads a byte of the file: ``RLIMIT_AS`` to
``SENDPLAN_IMPORT_READ_MEMORY_BYTES`` (300 MB) and ``RLIMIT_CPU`` to
``SENDPLAN_IMPORT_READ_SECONDS`` (30 s). The parent kills it if it is still running after
that many seconds of wall-clock time. The file goes in on its standard input and the
sheets come back as JSON on its standard output, no more than
``SENDPLAN_IMPORT_MAX_PART_BYTES`` of it, so the parent takes in no more than a plan needs.

A new process rather than a fork: a gunicorn worker holds Django, open database
connections and threads, none of which a fork should copy. The child starts from an empty
environment, so the secret key and the database's address never reach the process that
opens hostile files. Nothing here depends on how the parent was started (gunicorn, a
management command, the test runner, xdist): only on ``sys.executable`` and ``sys.path``.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from django.conf import settings

from .columns import Problem
from .reading import Limits, Sheets, SpreadsheetError, Upload, read_sheets

logger = logging.getLogger("sendplan.spreadsheets")

DEFAULT_MEMORY = 300 * 1024 * 1024
DEFAULT_SECONDS = 30
# The child's exit status when it ran out of memory.
OUT_OF_MEMORY = 3
# The directory that holds this package, whatever it is called: `python -m` finds the
# module from there.
PROJECT_ROOT = Path(__file__).resolve().parents[len(__name__.split(".")) - 1]


def read_memory() -> int:
    return getattr(settings, "SENDPLAN_IMPORT_READ_MEMORY_BYTES", DEFAULT_MEMORY)


def read_seconds() -> float:
    return getattr(settings, "SENDPLAN_IMPORT_READ_SECONDS", DEFAULT_SECONDS)


def _too_much(upload: Upload, why: str) -> SpreadsheetError:
    return SpreadsheetError(
        [
            Problem(
                f"The file {upload.name} is too large or too complex to read ({why}). Remove "
                f"what the plan does not need, such as other sheets, formatting and images, "
                f'or save it from Excel as "CSV UTF-8", and upload it again.'
            )
        ]
    )


def read_sheets_in_child(
    upload: Upload, *, headers: tuple[str, ...], role: str, choices: dict | None = None
) -> Sheets:
    """``reading.read_sheets`` in a child process; raises ``SpreadsheetError`` with what
    the reader found wrong, or with "too large or too complex to read" when the child
    reached its memory or time limit."""
    memory, seconds = read_memory(), read_seconds()
    request = {
        "name": upload.name,
        "headers": list(headers),
        "role": role,
        "choices": choices or {},
        "limits": asdict(Limits.from_settings()),
        "memory": memory,
        "seconds": seconds,
    }
    too_slow = f"reading it took more than {seconds:g} second{'' if seconds == 1 else 's'}"
    started = time.monotonic()
    try:
        child = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", __name__],
            input=json.dumps(request).encode() + b"\n" + upload.data,
            capture_output=True,
            timeout=seconds,
            cwd=PROJECT_ROOT,
            env=_child_environment(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has killed the child and waited for it.
        logger.warning("Spreadsheet reader stopped after %g s: %d bytes", seconds, len(upload.data))
        raise _too_much(upload, too_slow) from None
    elapsed = time.monotonic() - started
    if child.returncode == OUT_OF_MEMORY:
        logger.warning("Spreadsheet reader ran out of memory: %d bytes", len(upload.data))
        raise _too_much(
            upload, f"reading it needed more than {memory // (1024 * 1024)} MB of memory"
        )
    if child.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        logger.warning("Spreadsheet reader stopped by signal %d", -child.returncode)
        stopped = too_slow if child.returncode == -signal.SIGXCPU else "reading it was stopped"
        raise _too_much(upload, stopped)
    try:
        answer = json.loads(child.stdout) if child.returncode == 0 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        logger.error(
            "Spreadsheet reader failed with exit status %s: %s",
            child.returncode,
            child.stderr.decode("utf-8", "replace")[-4000:],
        )
        raise _too_much(upload, "the reader stopped before it finished")
    logger.info(
        "Spreadsheet read in a child process: %d bytes in %.2f s, peak %d MB",
        len(upload.data),
        elapsed,
        answer["peak_kb"] // 1024,
    )
    if "too_big" in answer:
        raise _too_much(upload, answer["too_big"])
    if "problems" in answer:
        raise SpreadsheetError(
            [Problem(**p) for p in answer["problems"]], columns=answer.get("columns")
        )
    return Sheets.from_json(answer["sheets"])


def _child_environment() -> dict[str, str]:
    """Only what Python needs to find the project's modules: the parent's path, no
    secrets."""
    paths = [str(PROJECT_ROOT), *(p for p in sys.path if p and os.path.isabs(p))]
    environment = {
        "PATH": os.defpath,
        "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths)),
        "LC_ALL": "C.UTF-8",
    }
    if sys.dont_write_bytecode:
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
    return environment


# --- The child ---------------------------------------------------------------------------


def _limit_this_process(*, memory: int, seconds: float) -> None:
    def limit(kind: int, soft: int, hard: int) -> None:
        # Never above a hard limit the server already runs under (a process may only
        # lower its hard limits).
        _, current = resource.getrlimit(kind)
        if current != resource.RLIM_INFINITY:
            soft, hard = min(soft, current), min(hard, current)
        resource.setrlimit(kind, (soft, hard))

    limit(resource.RLIMIT_AS, memory, memory)
    cpu = max(1, int(seconds))
    # Past the soft limit the kernel sends SIGXCPU, past the hard one SIGKILL.
    limit(resource.RLIMIT_CPU, cpu, cpu + 5)
    # A child stopped by SIGXCPU would otherwise leave a core file of up to `memory`.
    limit(resource.RLIMIT_CORE, 0, 0)


def _peak_kb() -> int:
    """This process's peak resident memory. Not ``getrusage``'s ``ru_maxrss``: that
    starts from the parent's size at the fork that preceded the exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main() -> None:
    request = json.loads(sys.stdin.buffer.readline())
    _limit_this_process(memory=request["memory"], seconds=request["seconds"])
    # openpyxl imports numpy, when it is installed, only to recognise numpy numbers it is
    # asked to write; numpy's start-up alone maps about 120 MB of the address space the
    # limit allows (OpenBLAS's buffers). Reading needs none of it.
    sys.modules["numpy"] = None
    limits = Limits(**request["limits"])
    upload = Upload(request["name"], sys.stdin.buffer.read())
    try:
        try:
            sheets = read_sheets(
                upload,
                headers=tuple(request["headers"]),
                role=request["role"],
                limits=limits,
                choices=request.get("choices") or {},
            )
            answer: dict = {"sheets": sheets.as_json()}
        except SpreadsheetError as exc:
            answer = {"problems": [asdict(p) for p in exc.problems], "columns": exc.columns}
        answer["peak_kb"] = _peak_kb()
        output = json.dumps(answer).encode()
        if len(output) > limits.max_part:
            # One long shared string repeated in every cell reads as far more text than
            # the file holds: more than the parent should have to take in.
            too_big = f"it reads as more than {limits.max_part // (1024 * 1024)} MB of text"
            output = json.dumps({"too_big": too_big, "peak_kb": answer["peak_kb"]}).encode()
    except MemoryError:
        os._exit(OUT_OF_MEMORY)
    sys.stdout.buffer.write(output)


if __name__ == "__main__":
    main()
