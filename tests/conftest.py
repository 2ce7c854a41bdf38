"""Shared fixtures: Sphinx's testing plugin, with our roots under tests/roots."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["sphinx.testing.fixtures"]

collect_ignore = ["roots"]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def default_collector() -> Iterator[None]:
    """Tests run with Python's default collector: the build's policy is opt-in (test_gcpolicy)."""
    before = gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()
    yield
    after = gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()
    assert after == before, (
        "the test left the garbage collector changed (enabled, thresholds, frozen)"
    )


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).resolve().parent / "roots"


@pytest.fixture(scope="session")
def real_site(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The real docs/, built strictly once per test run by `make html`'s command.

    Returns the sphinx-build run and the HTML folder.
    """
    out = tmp_path_factory.mktemp("real-site")
    html = out / "html"
    command = [
        sys.executable,
        "-m",
        "tools.extensions",
        "-b",
        "html",
        "-W",
        "--keep-going",
        "-n",
        "-j",
        "2",
        "-c",
        str(ROOT / "conf"),
        "-d",
        str(out / "doctrees"),
        str(ROOT / "docs"),
        str(html),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return done, html
