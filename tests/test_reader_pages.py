"""Pages around the articles, as a reader sees them (issue 15): licence and
attribution on every page, the glossary's tools, and the 404 page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from helpers import build, copy_root, soup

SITE = "https://example.org/course/"
DEED = "https://creativecommons.org/licenses/by/4.0/"
REUSE = "# How to reuse this course\n\nCredit the course.\n"


def test_every_page_footer_carries_licence_attribution_and_reuse_link(
    make_app: Any, tmp_path: Path
) -> None:
    src = copy_root(tmp_path, "course", files={"reuse.md": REUSE})
    app = build(make_app, src, confoverrides={"html_baseurl": SITE})
    out = Path(app.outdir)
    pages = sorted(p for p in out.rglob("*.html") if "_static" not in p.parts)
    assert pages
    for page in pages:
        footer = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
            "footer .course-attribution"
        )
        assert footer is not None, page
        text = " ".join(footer.get_text().split())
        assert "Course test" in text and "CC BY 4.0" in text, page
        assert footer.select_one(f'a[rel="license"][href="{DEED}"]') is not None, page
        assert footer.select_one(f'a[href="{SITE}"]') is not None, page
        reuse = footer.find("a", string="How to reuse this course")
        assert reuse is not None, page
        href = str(reuse["href"])
        target = page if href == "#" else (page.parent / href).resolve()
        assert target == out / "reuse.html", page


def test_handout_title_page_carries_the_attribution(make_app: Any, tmp_path: Path) -> None:
    app = build(
        make_app,
        copy_root(tmp_path, "course"),
        "handout",
        confoverrides={"course_handout": "article:remembering", "html_baseurl": SITE},
    )
    [page] = Path(app.outdir).glob("remembering*.html")
    title_page = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
        ".title-page"
    )
    assert title_page is not None
    text = " ".join(title_page.get_text().split())
    assert f"Course test ({SITE}) by" in text
    assert f"is licensed under CC BY 4.0 ({DEED})." in text


def test_the_real_reuse_page_gives_wording_to_paste() -> None:
    page = Path(__file__).resolve().parent.parent / "docs" / "reuse.md"
    text = " ".join(page.read_text(encoding="utf-8").split())
    assert text.startswith("# How to reuse this course")
    assert '> "Open Psychology Course" by Open Psychology Course contributors,' in text
    assert DEED in text


def test_glossary_has_an_a_to_z_bar_linking_each_letter_to_its_first_term(
    make_app: Any, tmp_path: Path
) -> None:
    app = build(make_app, copy_root(tmp_path, "course"))
    page = soup(app, "glossary.html")
    bar = page.select_one("article nav.course-glossary-nav")
    assert bar is not None and bar.get("aria-label")
    assert bar.find_next_sibling("dl", class_="glossary") is not None
    letters = [" ".join(el.get_text().split()) for el in bar.find_all(["a", "span"])]
    assert letters[:26] == [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    linked = {a.get_text(): str(a["href"]) for a in bar.find_all("a")}
    assert set(linked) == {"A", "M"}
    for letter, href in linked.items():
        term = page.select_one(f"dl.glossary dt{href}")
        assert term is not None and term.get_text().strip().upper().startswith(letter)
