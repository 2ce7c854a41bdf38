"""The collector's schedule: set inside the build command's policy only, undone after it.

The only tests that opt in to the policy; every other test runs with Python's
default collector (conftest.py checks that after each test).
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sphinx.errors import ExtensionError, ThemeError

from helpers import build, copy_root
from tools.extensions.gcpolicy import YOUNG_THRESHOLD, collector_policy


def _tracked(obj: object) -> bool:
    """Whether the collector would scan *obj* (frozen objects are not listed)."""
    return any(o is obj for o in gc.get_objects())


def _collector() -> tuple[bool, tuple[int, int, int], int]:
    return gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()


def test_schedule_holds_during_a_build_and_is_undone_after(make_app: Any, tmp_path: Path) -> None:
    before = _collector()
    src = copy_root(tmp_path, "course")
    build(make_app, src)  # leaves a pickled environment behind
    seen: dict[str, Any] = {}

    def during(app: Any, env: Any) -> None:
        seen["threshold"] = gc.get_threshold()
        seen["enabled"] = gc.isenabled()
        seen["env_scanned"] = _tracked(env.domaindata)

    with collector_policy():
        app = make_app("html", srcdir=src)
        app.connect("env-updated", during)
        app.build()
    assert seen == {
        "threshold": (YOUNG_THRESHOLD, *before[1][1:]),
        "enabled": True,
        "env_scanned": False,
    }
    assert _collector() == before
    assert _tracked(app.env.domaindata)


def test_without_the_policy_a_build_leaves_the_collector_alone(
    make_app: Any, tmp_path: Path
) -> None:
    before = _collector()
    seen: list[tuple[bool, tuple[int, int, int], int]] = []
    app = make_app("html", srcdir=copy_root(tmp_path, "course"))
    app.connect("env-updated", lambda app, env: seen.append(_collector()))
    app.build()
    assert seen == [before]
    assert _collector() == before


def test_a_build_that_fails_restores_the_collector(make_app: Any, tmp_path: Path) -> None:
    before = _collector()
    src = copy_root(tmp_path, "course")

    def broken(app: Any, doctree: Any) -> None:
        raise RuntimeError("a feature failed while reading")

    with pytest.raises(ExtensionError, match="a feature failed"), collector_policy():
        app = make_app("html", srcdir=src)
        app.connect("doctree-read", broken)
        app.build()
    assert _collector() == before
    assert before[:2] == (True, (700, 10, 10))  # the test ran with Python's defaults


def test_sphinx_failing_before_builder_inited_restores_the_collector(
    make_app: Any, tmp_path: Path
) -> None:
    """The collector is off from config-inited; an unknown theme fails before builder-inited."""
    before = _collector()
    src = copy_root(tmp_path, "course")
    with collector_policy():
        with pytest.raises(ThemeError):
            make_app("html", srcdir=src, confoverrides={"html_theme": "no-such-theme"})
        stopped_with = gc.isenabled()
    assert stopped_with is False  # what a host process would be left with without the block
    assert _collector() == before


def test_forked_workers_freeze_what_they_inherit(make_app: Any, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "course")
    reports = tmp_path / "workers"
    reports.mkdir()
    main = os.getpid()

    def in_worker(app: Any, doctree: Any) -> None:
        if os.getpid() != main:
            (reports / str(os.getpid())).write_text(str(_tracked(app.env.domaindata)))

    with collector_policy():
        app = make_app("html", srcdir=src, parallel=2, freshenv=True)
        app.connect("doctree-read", in_worker)
        app.build()
    answers = [p.read_text() for p in reports.iterdir()]
    assert answers, "the parallel read forked no worker"
    assert set(answers) == {"False"}


def test_the_build_command_builds(tmp_path: Path) -> None:
    """``python -m tools.extensions`` is sphinx-build: same arguments, same exit codes."""
    src = copy_root(tmp_path, "course")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.extensions",
            "-q",
            "-b",
            "html",
            str(src),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out" / "index.html").is_file()
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.extensions",
            "-b",
            "no-such-builder",
            str(src),
            str(tmp_path / "x"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "no-such-builder" in bad.stderr
