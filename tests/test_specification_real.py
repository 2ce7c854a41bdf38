"""The real site's specification coverage.

Every content point of every specification file is taught by at least one
article (read from the files, no build), and the built coverage page shows
each point with its articles, the count agreeing with the rows (slow: the
real docs/ build, shared per run).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tools.course.corpus import scan_articles
from tools.course.specification import coverage, load_specifications, specifications_folder
from tools.course.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = ROOT / "conf" / "taxonomy.yaml"
SPECS = load_specifications(specifications_folder(TAXONOMY), load_taxonomy(TAXONOMY))
Site = tuple[subprocess.CompletedProcess[str], Path]


def _page(html: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((html / rel).read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("spec_id", [s.id for s in SPECS])
def test_every_content_point_is_taught(spec_id: str) -> None:
    """Fails as soon as a content point loses its last article (issue 17)."""
    spec = SPECS.get(spec_id)
    assert spec is not None
    articles = scan_articles(ROOT / "docs")
    found = coverage(
        spec,
        [(a.slug, a.front_matter.data.get("spec", []) if a.front_matter else []) for a in articles],
    )
    missing = [f"{p.number} {p.title}" for p in spec.points if not found.taught.get(p.number)]
    assert missing == [], f"{spec.title}: no article teaches {missing}"


@pytest.mark.slow
@pytest.mark.parametrize("spec_id", [s.id for s in SPECS])
def test_the_coverage_page_lists_every_point_of_the_file(real_site: Site, spec_id: str) -> None:
    _, html = real_site
    spec = SPECS.get(spec_id)
    assert spec is not None
    page = _page(html, f"browse/specifications/{spec_id}.html")
    covered = 0
    for point in spec.points:
        row = page.find(id=point.anchor)
        assert row is not None, point.id
        text = " ".join(row.get_text(" ").split())
        assert text.startswith(f"{point.number} {point.title}")
        taught = bool(row.select("a"))
        assert ("Not taught yet" in text) != taught
        covered += taught
    article = page.find("article")
    assert article is not None
    assert f"{covered} of {len(spec.points)} content points taught." in article.get_text()
    for course in spec.courses:
        link = _page(html, f"browse/courses/{course}.html").select_one(".course-spec-link a")
        assert link is not None and str(link["href"]).endswith(f"specifications/{spec_id}.html")


@pytest.mark.slow
def test_every_article_with_spec_shows_its_points(real_site: Site) -> None:
    _, html = real_site
    for article in scan_articles(ROOT / "docs"):
        ids = article.front_matter.data.get("spec", []) if article.front_matter else []
        points = [SPECS.point(i) for i in ids]
        if not points:
            continue
        lines = _page(html, f"articles/{article.slug}.html").select(".course-spec-line")
        shown = [a.get_text() for line in lines for a in line.select("a")]
        assert shown == [f"{p.number} {p.title}" for p in points if p is not None]
