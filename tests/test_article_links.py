"""{article} links read as text links, on the site and on paper (issue 15, item 6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from helpers import build, copy_root, soup

SITE = "https://example.org/course/"


def test_article_links_are_not_code_on_the_site(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, copy_root(tmp_path, "course"))
    page = soup(app, "articles/remembering.html")
    link = page.select_one('article p a[href="paying-attention.html"]')
    assert link is not None
    assert link.get_text() == "Paying Attention"
    assert link.find(["code", "tt", "kbd", "samp"]) is None
    assert link.find(class_="pre") is None


def test_handout_prints_title_and_web_address_of_a_page_it_does_not_hold(
    make_app: Any, tmp_path: Path
) -> None:
    app = build(
        make_app,
        copy_root(tmp_path, "course"),
        "handout",
        confoverrides={"course_handout": "article:remembering", "html_baseurl": SITE},
    )
    [html] = Path(app.outdir).glob("remembering*.html")
    page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    link = page.select_one(f'a[href="{SITE}articles/paying-attention.html"]')
    assert link is not None
    assert " ".join(link.get_text().split()) == (
        f"Paying Attention ({SITE}articles/paying-attention.html)"
    )
    assert link.find(["code", "tt"]) is None
    text = " ".join(page.get_text(" ").split())
    assert "paying-attention " not in text and "growing-up " not in text
