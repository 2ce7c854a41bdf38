"""The real site's specification coverage (slow: the real docs/ build, shared per run).

Writers are still adding GCSE articles, so full coverage is not asserted here:
every content point of the file must be on its page, with its articles or
marked, and the count must agree with the rows.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tools.course.corpus import scan_articles
from tools.course.specification import load_specifications, specifications_folder
from tools.course.taxonomy import load_taxonomy

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = ROOT / "conf" / "taxonomy.yaml"
SPECS = load_specifications(specifications_folder(TAXONOMY), load_taxonomy(TAXONOMY))
Site = tuple[subprocess.CompletedProcess[str], Path]


def _page(html: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((html / rel).read_text(encoding="utf-8"), "html.parser")


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
