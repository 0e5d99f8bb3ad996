"""The benchmark's monitoring-visit bundle: time and peak memory of building one with
``files`` evidence files of ``size`` bytes, the way the worker does it.

The files are stored for the plan's actions, the bundle is built by ``manage.py
build_bundle`` in a process of its own (as a worker would run it), whose peak resident
memory, and that of the child it lays the index out in, is read from the operating
system when it ends; then the files and their rows are removed again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from actions.models import Action
from sendplan.history import save_with_history
from sendplan.models import Plan

PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def measure_bundle(*, plan: Plan, files: int = 200, size: int = 1024 * 1024) -> dict:
    try:
        from evidence.models import Evidence, EvidenceKind, evidence_storage
    except ImportError:
        return {"note": "not available yet"}
    actions = list(Action.objects.filter(plan=plan).order_by("pk")[:files])
    if not actions:
        return {"note": "the plan has no actions"}
    author = plan.area.memberships.select_related("user").first()
    if author is None:
        return {"note": "the area has no members"}
    storage = evidence_storage()
    rows = []
    try:
        for n in range(files):
            # Incompressible content, as scanned documents and photos are.
            body = PDF_HEAD + os.urandom(size - len(PDF_HEAD))
            name = storage.save(f"benchmark/{plan.area.slug}/{n}.pdf", ContentFile(body))
            rows.append(
                Evidence(
                    area=plan.area,
                    plan=plan,
                    action=actions[n % len(actions)],
                    kind=EvidenceKind.FILE,
                    title=f"Benchmark evidence {n}",
                    dated=timezone.localdate(),
                    file=name,
                    file_name=f"benchmark {n}.pdf",
                    content_type="application/pdf",
                    size=size,
                    sha256="0" * 64,
                    added_by=author.user,
                )
            )
        with transaction.atomic():
            # With their history rows: the bundle reads evidence as it stood at a moment.
            for row in rows:
                save_with_history(row, user=author.user, reason="Benchmark evidence")
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "bundle.zip"
            started = time.perf_counter()
            # The build runs under a small launcher that waits for it: Linux counts in a
            # process's peak the memory of the process it was forked from, so a build
            # started from this process (hundreds of MB by now) would be charged with it.
            process = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
                [
                    sys.executable,
                    "-c",
                    PEAK_LAUNCHER,
                    sys.executable,
                    "manage.py",
                    "build_bundle",
                    "--plan",
                    plan.slug,
                    "-o",
                    str(out),
                ],
                cwd=settings.BASE_DIR,
                capture_output=True,
                check=False,
            )
            seconds = time.perf_counter() - started
            if process.returncode != 0:
                stderr = process.stderr.decode(errors="replace")
                return {"note": f"failed: {stderr.strip()[-200:]}"}
            peak_kb = int(process.stdout.decode().split()[-1])
            bundle_bytes = out.stat().st_size
        return {
            "files": files,
            "file_mb": size / 1024 / 1024,
            "seconds": seconds,
            "peak_mb": peak_kb / 1024,
            "bundle_mb": bundle_bytes / 1024 / 1024,
            "plan": plan.slug,
        }
    finally:
        ids = [r.pk for r in rows if r.pk]
        Evidence.history.filter(id__in=ids).delete()
        Evidence.objects.filter(pk__in=ids).delete()
        for row in rows:
            storage.delete(row.file.name)


# Runs its arguments as a child and prints the child's peak memory in kB (wait4 gives the
# child's own, with the layout child it waits for).
PEAK_LAUNCHER = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(child.pid, 0)\n"
    "print(usage.ru_maxrss)\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def format_bundle(figure: dict) -> str:
    if "seconds" not in figure:
        return f"Monitoring-visit bundle: {figure.get('note')}"
    return (
        f"Monitoring-visit bundle ({figure['plan']}, {figure['files']} evidence files of "
        f"{figure['file_mb']:g} MB): built in {figure['seconds']:.1f} s, ZIP "
        f"{figure['bundle_mb']:.0f} MB, peak memory of the building process "
        f"{figure['peak_mb']:.0f} MB"
    )
