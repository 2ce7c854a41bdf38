"""Small helpers for tests that build a copy of a root and read what a user sees."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from filelock import FileLock

ROOTS = Path(__file__).resolve().parent / "roots"


def copy_root(
    tmp_path: Path, name: str, *, files: dict[str, str] | None = None, remove: Iterable[str] = ()
) -> Path:
    """A writable copy of ``tests/roots/test-<name>``, with pages added or removed."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / f"test-{name}", src)
    for rel, text in (files or {}).items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for rel in remove:
        (src / rel).unlink()
    return src


def build(make_app: Callable[..., Any], srcdir: Path, builder: str = "html", **kwargs: Any) -> Any:
    app = make_app(builder, srcdir=srcdir, **kwargs)
    app.build()
    return app


def soup(app: Any, page: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / page).read_text(encoding="utf-8"), "html.parser")


def main_text(app: Any, page: str) -> str:
    """The article body's text, as a reader sees it (no sidebar, no footer)."""
    body = soup(app, page).find("article")
    assert body is not None, page
    return " ".join(body.get_text(" ").split())


def sidebar_links(app: Any, page: str) -> list[str]:
    """Link texts of the navigation sidebar, in order."""
    nav = soup(app, page).select_one(".sidebar-tree")
    assert nav is not None, page
    return [" ".join(a.get_text().split()) for a in nav.select("a.reference")]


def warnings(app: Any) -> str:
    return str(app.warning.getvalue())


def html_pages(outdir: Path) -> dict[str, str]:
    """Every HTML page of a build, keyed by its path under the output folder."""
    root = Path(outdir)
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.html"))
    }


def differing_pages(a: Path, b: Path) -> list[str]:
    """Pages that differ between two builds (or exist in only one)."""
    pa, pb = html_pages(a), html_pages(b)
    return sorted(k for k in pa.keys() | pb.keys() if pa.get(k) != pb.get(k))


def card_titles(app: Any, page: str, block: str = "") -> list[str]:
    """Titles of the cards on a page, optionally inside one block (e.g. '.course-related')."""
    scope = soup(app, page).select_one(f"article {block}".strip())
    assert scope is not None, (page, block)
    return [" ".join(c.get_text().split()) for c in scope.select(".course-card .sd-card-title")]


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], dict[str, Any]]
) -> tuple[dict[str, Any], Path]:
    """What *make* builds into a folder, made once per test run: its record and the folder.

    Under pytest-xdist the workers share it: the first to ask builds it while the
    others wait on a file lock, then each reads the record *make* returned (JSON).
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        out = tmp_path_factory.mktemp(name)
        return make(out), out
    shared = tmp_path_factory.getbasetemp().parent  # this run's folder, above each worker's
    out = shared / name
    with FileLock(str(shared / f"{name}.lock")):
        record = out / f"{name}.json"
        if not record.is_file():
            out.mkdir(parents=True, exist_ok=True)
            record.write_text(json.dumps(make(out)), encoding="utf-8")
        return json.loads(record.read_text(encoding="utf-8")), out
