"""`make serve` cannot fool `make html` (issue 15, item 11): separate output and caches."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def planned(target: str) -> list[str]:
    """The build command `make -n <target>` would run, as arguments."""
    done = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True
    )
    commands = done.stdout.replace("\\\n", " ").splitlines()
    [line] = [c for c in commands if "sphinx-autobuild" in c or "tools.extensions -c" in c]
    return shlex.split(line)


def folders(args: list[str]) -> tuple[Path, Path]:
    """(doctrees, output) folders of a sphinx-build style command line."""
    doctrees = Path(args[args.index("-d") + 1])
    source_at = args.index("docs")
    return doctrees, Path(args[source_at + 1])


def overlaps(a: Path, b: Path) -> bool:
    return a == b or a in b.parents or b in a.parents


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_preview_and_strict_build_share_no_folder() -> None:
    serve, html = planned("serve"), planned("html")
    assert "-W" in html and "-W" not in serve
    for mine in folders(serve):
        for theirs in folders(html):
            assert not overlaps(mine, theirs), (mine, theirs)
