"""The real course in docs/: builds strictly, and has every page the taxonomy promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tools.course.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = load_taxonomy(ROOT / "conf" / "taxonomy.yaml")

pytestmark = pytest.mark.slow


def page(html: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((html / rel).read_text(encoding="utf-8"), "html.parser")


def test_strict_build_passes(real_site: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    done, _ = real_site
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING" not in done.stderr


def test_a_page_for_every_taxonomy_entry(
    real_site: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, html = real_site
    folders = {
        "level": "levels",
        "course": "courses",
        "category": "categories",
        "subject": "subjects",
        "topic": "topics",
    }
    pages = {
        kind: sorted(p.stem for p in (html / "browse" / folder).glob("*.html"))
        for kind, folder in folders.items()
    }
    assert pages == {kind: sorted(TAXONOMY.slugs(kind)) for kind in folders}


def test_sidebar_reads_in_course_order(
    real_site: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, html = real_site
    nav = page(html, "index.html").select(".sidebar-tree > ul")[0]
    top = [" ".join(li.a.get_text().split()) for li in nav.find_all("li", recursive=False)]
    assert top[: len(TAXONOMY.levels)] == [lv.title for lv in TAXONOMY.levels]


def test_no_category_or_topic_page_is_empty(
    real_site: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, html = real_site
    empty = [
        str(p.relative_to(html))
        for folder in ("categories", "topics")
        for p in (html / "browse" / folder).glob("*.html")
        if "No articles yet." in p.read_text(encoding="utf-8")
    ]
    assert empty == []


def test_article_shows_level_and_category(
    real_site: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, html = real_site
    trail = page(html, "articles/therapeutic-alliance.html").select_one(".course-trail")
    assert trail is not None
    assert (
        " ".join(trail.get_text(" ").split())
        == "University modules › Abnormal Psychology › Treatment Approaches"
    )


def test_misspelt_category_fails_the_strict_build(tmp_path: Path) -> None:
    """The same command `make html` runs, on a copy with one category misspelt."""
    import shutil

    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("browse"))
    article = docs / "articles" / "therapeutic-alliance.md"
    article.write_text(
        article.read_text().replace(
            "category: treatment-approaches", "category: treatment-approachs"
        )
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "dummy",
            "-W",
            "--keep-going",
            "-n",
            "-q",
            "-c",
            str(ROOT / "conf"),
            str(docs),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert (
        "therapeutic-alliance.md:2: WARNING: 'category': unknown course category 'treatment-approachs'; "
        "did you mean 'treatment-approaches'?"
    ) in done.stderr
    assert "Traceback" not in done.stderr
