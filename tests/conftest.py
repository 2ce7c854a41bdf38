"""Shared fixtures: Sphinx's testing plugin, with our roots under tests/roots."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import built_once

pytest_plugins = ["sphinx.testing.fixtures"]

# Every incremental build in the tests computes all page views and fails if one
# changed where the build would not have looked (tools/extensions/incremental.py).
os.environ.setdefault("COURSE_VERIFY_VIEWS", "1")

collect_ignore = ["roots"]

ROOT = Path(__file__).resolve().parent.parent


#: Test files that take minutes (every EPUB, all courses' handouts, the real site and
#: the browser): collected first, and `make test` keeps the collected order
#: (--no-loadscope-reorder), so its workers start them at once instead of one
#: worker finishing them alone at the end.
LONGEST_FIRST = (
    "test_epub.py",
    "test_handouts.py",
    "test_browser.py",
    "test_real_docs.py",
    "test_hostile.py",
    "test_bench.py",
    "test_accessibility.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest first. Under `make test`'s --dist loadscope a file's test functions stay on
    one worker (its module's shared build is made once) and a test class is a unit of its
    own (one real course's handouts each): classes go first within their file."""

    def rank(item: pytest.Item) -> tuple[int, bool]:
        name = item.path.name
        order = LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)
        return order, getattr(item, "cls", None) is None

    items.sort(key=rank)  # stable: the order within each file is kept


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

    Returns the sphinx-build run and the HTML folder. Under pytest-xdist the
    workers share one build: the first to ask builds it, the others wait for it.
    """
    data, out = built_once(tmp_path_factory, "real-site", _build_real_site)
    return subprocess.CompletedProcess(
        data["args"], data["returncode"], data["stdout"], data["stderr"]
    ), out / "html"


def _build_real_site(out: Path) -> dict[str, Any]:
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
        str(out / "html"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return {
        "args": done.args,
        "returncode": done.returncode,
        "stdout": done.stdout,
        "stderr": done.stderr,
    }
