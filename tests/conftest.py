"""Shared fixtures: Sphinx's testing plugin, with our roots under tests/roots."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock

pytest_plugins = ["sphinx.testing.fixtures"]

collect_ignore = ["roots"]

ROOT = Path(__file__).resolve().parent.parent


#: Test files that take minutes (all courses' handouts, every EPUB, the real site and
#: the browser): collected first, so `make test`'s workers start them at once instead
#: of one worker finishing them alone at the end.
LONGEST_FIRST = (
    "test_handouts.py",
    "test_epub.py",
    "test_browser.py",
    "test_real_docs.py",
    "test_hostile.py",
    "test_bench.py",
    "test_accessibility.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

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
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        out = tmp_path_factory.mktemp("real-site")
        return _build_real_site(out), out / "html"
    shared = tmp_path_factory.getbasetemp().parent  # this run's folder, above each worker's
    out = shared / "real-site"
    with FileLock(str(shared / "real-site.lock")):
        record = out / "sphinx-build.json"
        if not record.is_file():
            done = _build_real_site(out)
            record.write_text(
                json.dumps(
                    {
                        "args": done.args,
                        "returncode": done.returncode,
                        "stdout": done.stdout,
                        "stderr": done.stderr,
                    }
                ),
                encoding="utf-8",
            )
        data = json.loads(record.read_text(encoding="utf-8"))
    return subprocess.CompletedProcess(
        data["args"], data["returncode"], data["stdout"], data["stderr"]
    ), out / "html"


def _build_real_site(out: Path) -> subprocess.CompletedProcess[str]:
    out.mkdir(parents=True, exist_ok=True)
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
    return subprocess.run(command, capture_output=True, text=True, check=False)
