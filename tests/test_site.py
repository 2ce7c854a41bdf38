"""The foundation: generated taxonomy pages, articles under their categories, front matter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import build, copy_root, main_text, sidebar_links, soup, warnings


@pytest.fixture
def site(make_app: Any, tmp_path: Path) -> Any:
    return build(make_app, copy_root(tmp_path, "course"))


def test_every_taxonomy_entry_gets_a_page(site: Any) -> None:
    out = Path(site.outdir) / "browse"
    for rel in [
        "levels/junior.html",
        "levels/senior.html",
        "courses/junior-course.html",
        "courses/senior-course.html",
        "categories/junior-basics.html",
        "categories/junior-growing.html",
        "categories/senior-basics.html",
        "subjects/mind.html",
        "topics/memory.html",
        "topics/attention.html",
        "topics/learning.html",
        "index.html",
        "a-z.html",
        "topics.html",
    ]:
        assert (out / rel).is_file(), rel
    assert "Basics for Junior Course" in main_text(site, "browse/categories/junior-basics.html")
    assert "Junior basics." in main_text(site, "browse/categories/junior-basics.html")


def test_sidebar_follows_taxonomy_order(site: Any) -> None:
    links = sidebar_links(site, "browse/categories/junior-basics.html")
    wanted = [
        "Junior",
        "Junior Course",
        "Basics",
        "Paying Attention",
        "Remembering Things",
        "Growing",
        "Senior",
    ]
    positions = [links.index(w) for w in wanted]
    assert positions == sorted(positions), links


def test_article_lands_under_its_category(site: Any) -> None:
    page = soup(site, "browse/categories/junior-basics.html")
    cards = [c.get_text(" ", strip=True) for c in page.select("article .course-card")]
    assert len(cards) == 2
    assert cards[0].startswith("Paying Attention Junior Why we notice")
    assert cards[1].startswith("Remembering Things Junior How we remember")
    empty = main_text(site, "browse/categories/senior-basics.html")
    assert "Working Memory" in empty


def test_empty_category_says_so(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, copy_root(tmp_path, "course", remove=["articles/working-memory.md"]))
    assert "No articles yet." in main_text(app, "browse/categories/senior-basics.html")


def test_article_page_shows_level_and_category(site: Any) -> None:
    text = main_text(site, "articles/remembering.html")
    assert "Junior › Junior Course › Basics" in text
    assert "Learning objectives" in text and "Describe how memory works." in text
    trail = soup(site, "articles/remembering.html").select_one(".course-trail")
    assert trail is not None
    hrefs = [a["href"] for a in trail.select("a")]
    assert hrefs == [
        "../browse/levels/junior.html",
        "../browse/courses/junior-course.html",
        "../browse/categories/junior-basics.html",
    ]


BAD = """\
---
category: junior-basic
topics: [memry]
summary: 7
colour: blue
---

# A Bad Page

Text that must still be published.
"""


def test_front_matter_errors_name_file_line_and_nearest_slug(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, copy_root(tmp_path, "course", files={"articles/bad-page.md": BAD}))
    text = warnings(app)
    assert (
        "bad-page.md:2: WARNING: 'category': unknown course category 'junior-basic'; "
        "did you mean 'junior-basics'"
    ) in text
    assert (
        "bad-page.md:3: WARNING: 'topics': unknown topic category 'memry'; did you mean 'memory'?"
        in text
    )
    assert (
        "bad-page.md:4: WARNING: 'summary' must be one sentence of at most 200 characters, got int 7"
        in text
    )
    assert "bad-page.md:5: WARNING: unknown front-matter key 'colour'" in text
    assert "Traceback" not in text
    # The bad page is still built, and other pages are untouched.
    assert "Text that must still be published." in main_text(app, "articles/bad-page.html")
    assert "Remembering Things" in main_text(app, "browse/categories/junior-basics.html")


def test_front_matter_warnings_repeat_on_the_next_build(make_app: Any, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "course", files={"articles/bad-page.md": BAD})
    build(make_app, src)
    again = build(make_app, src)
    assert "unknown course category 'junior-basic'" in warnings(again)


def test_misspelt_category_fails_strict_build(make_app: Any, tmp_path: Path) -> None:
    from sphinx.errors import SphinxWarning

    src = copy_root(tmp_path, "course", files={"articles/bad-page.md": BAD})
    with pytest.raises(
        SphinxWarning, match=r"bad-page'?, 2\)?:?.*'junior-basic'; did you mean 'junior-basics'"
    ):
        build(make_app, src, exception_on_warning=True)


def test_pages_outside_articles_are_exempt(make_app: Any, tmp_path: Path) -> None:
    page = "---\nanything: goes\n---\n\n# About\n\nNot an article.\n"
    src = copy_root(tmp_path, "course", files={"about.md": page})
    index = (src / "index.md").read_text() + "\n```{toctree}\nabout\n```\n"
    (src / "index.md").write_text(index)
    app = build(make_app, src)
    assert "about.md" not in warnings(app)


def test_generated_sources_are_rewritten_only_when_they_change(
    make_app: Any, tmp_path: Path
) -> None:
    src = copy_root(tmp_path, "course")
    build(make_app, src)
    page = src / "browse" / "categories" / "junior-basics.md"
    before = page.stat().st_mtime_ns
    app = build(make_app, src)
    assert page.stat().st_mtime_ns == before
    assert "0 added, 0 changed, 0 removed" in app.status.getvalue()
