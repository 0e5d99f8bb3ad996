"""Root conftest: test artefacts (screenshots, PDFs rendered to PNG) go to test-artefacts/."""

import os
import shutil
from pathlib import Path

import pytest

ARTEFACTS = Path(__file__).resolve().parent / "test-artefacts"


@pytest.fixture(scope="session")
def artefacts_dir() -> Path:
    ARTEFACTS.mkdir(exist_ok=True)
    return ARTEFACTS


# Playwright runs an event loop even in its sync API; Django's async-safety check would
# refuse the ORM calls a live_server test makes around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _remove_this_process_evidence_files():
    """Seeded demos store their example evidence files: remove this process's folder."""
    yield
    from django.conf import settings

    root = getattr(settings, "SENDPLAN_EVIDENCE_ROOT", None)
    if root and Path(root).parent.name == "test-evidence":
        shutil.rmtree(root, ignore_errors=True)
