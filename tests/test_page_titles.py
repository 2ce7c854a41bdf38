"""Generated page titles read as a reader says them (issue 15, item 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import build, copy_root, soup
from tools.course.taxonomy import load_taxonomy

REAL = load_taxonomy(Path(__file__).resolve().parent.parent / "conf" / "taxonomy.yaml")


@pytest.mark.parametrize(
    ("slug", "label"),
    [
        ("year-10-human-development", "Year 10 · Human Development"),
        ("year-7-introduction-to-psychology", "Year 7 · Introduction to Psychology"),
        ("cognitive-processes", "Cognitive Processes — Cognitive Psychology module"),
    ],
)
def test_category_labels_on_the_real_taxonomy(slug: str, label: str) -> None:
    assert REAL.category_label(slug) == label


def test_no_generated_label_uses_the_old_for_form() -> None:
    for cat in REAL.categories:
        assert " for " not in REAL.category_label(cat.slug), cat.slug


def test_one_title_on_the_page_in_its_head_in_links_and_in_listings(
    make_app: Any, tmp_path: Path
) -> None:
    app = build(make_app, copy_root(tmp_path, "course"))
    page = soup(app, "browse/categories/junior-basics.html")
    h1 = page.select_one("article h1")
    assert h1 is not None and h1.get_text().strip("#¶ \n") == "Junior · Basics"
    head = page.select_one("title")
    assert head is not None and head.get_text().startswith("Junior · Basics")
    article = soup(app, "articles/paying-attention.html")
    links = [a.get_text() for a in article.select("article a.reference.internal")]
    assert "Junior · Basics" in links
    assert not any(" for Junior Course" in text for text in links)
