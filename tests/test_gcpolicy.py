"""The collector's schedule: set for a build, undone after it."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

from helpers import build, copy_root
from tools.extensions.gcpolicy import YOUNG_THRESHOLD


def _tracked(obj: object) -> bool:
    """Whether the collector would scan *obj* (frozen objects are not listed)."""
    return any(o is obj for o in gc.get_objects())


def test_schedule_holds_during_a_build_and_is_undone_after(make_app: Any, tmp_path: Path) -> None:
    before = gc.get_threshold()
    src = copy_root(tmp_path, "course")
    build(make_app, src)  # leaves a pickled environment behind
    app = make_app("html", srcdir=src)
    seen: dict[str, Any] = {}

    def during(app: Any, env: Any) -> None:
        seen["threshold"] = gc.get_threshold()
        seen["enabled"] = gc.isenabled()
        seen["env_scanned"] = _tracked(env.domaindata)

    app.connect("env-updated", during)
    app.build()
    assert seen == {
        "threshold": (YOUNG_THRESHOLD, *before[1:]),
        "enabled": True,
        "env_scanned": False,
    }
    assert gc.get_threshold() == before
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert _tracked(app.env.domaindata)


def test_forked_workers_freeze_what_they_inherit(make_app: Any, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "course")
    reports = tmp_path / "workers"
    reports.mkdir()
    app = make_app("html", srcdir=src, parallel=2, freshenv=True)
    main = os.getpid()

    def in_worker(app: Any, doctree: Any) -> None:
        if os.getpid() != main:
            (reports / str(os.getpid())).write_text(str(_tracked(app.env.domaindata)))

    app.connect("doctree-read", in_worker)
    app.build()
    answers = [p.read_text() for p in reports.iterdir()]
    assert answers, "the parallel read forked no worker"
    assert set(answers) == {"False"}
