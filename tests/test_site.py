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
    assert "Junior · Basics" in main_text(site, "browse/categories/junior-basics.html")
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


def test_a_large_category_lists_the_articles_around_the_page_then_all_of_them(
    make_app: Any, tmp_path: Path
) -> None:
    from tools.extensions.navigation import CATEGORY_WINDOW

    extra = CATEGORY_WINDOW + 6
    files = {
        f"articles/extra-{i:02d}.md": (
            f"---\ncategory: junior-basics\nsummary: Extra page {i}.\norder: {i + 10}\n---\n\n"
            f"# Extra {i:02d}\n\nText.\n"
        )
        for i in range(extra)
    }
    app = build(make_app, copy_root(tmp_path, "course", files=files))
    every = f"All {extra + 2} articles in Basics"  # the category as the sidebar names it
    middle = sidebar_links(app, "articles/extra-15.html")
    listed = [t for t in middle if t.startswith("Extra ")]
    assert len(listed) == CATEGORY_WINDOW and "Extra 15" in listed
    assert middle[middle.index(listed[-1]) + 1] == every  # the link to all follows the window
    nav = soup(app, "articles/extra-15.html").select_one(".sidebar-tree")
    assert nav is not None
    link = next(a for a in nav.select("a.reference") if a.get_text(strip=True) == every)
    assert link["href"] == "../browse/categories/junior-basics.html"
    # Teaching order puts the extras (with `order`) first. The category page lists the
    # first articles; an article near the end sees the end of the list.
    first = sidebar_links(app, "browse/categories/junior-basics.html")
    assert "Extra 00" in first and "Remembering Things" not in first and every in first
    last = sidebar_links(app, f"articles/extra-{extra - 1:02d}.html")
    assert "Remembering Things" in last and "Extra 00" not in last and every in last
    # Small categories list every article and no link to all.
    small = sidebar_links(app, "articles/working-memory.html")
    assert "Working Memory" in small and not any(" articles in " in t for t in small)


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


def test_furo_shows_our_sidebar(site: Any) -> None:
    """navigation.py gives furo its sidebar through furo's private page-context key
    ``furo_navigation_tree`` (furo has no public hook; pyproject bounds furo)."""
    links = sidebar_links(site, "articles/remembering.html")
    assert "Remembering Things" in links and "Junior Course" in links, (
        "furo no longer shows context['furo_navigation_tree'] as its sidebar: "
        "see fill_course_sidebar in tools/extensions/navigation.py"
    )
    assert "Growing Up" not in links  # another category's articles stay folded away
    page = soup(site, "articles/remembering.html")
    box = page.select_one(".sidebar-tree li.current.has-children > input.toctree-checkbox")
    assert box is not None and box.has_attr("checked")
    assert page.select_one(".sidebar-tree label[for] use[href='#svg-arrow-right']") is not None
    assert page.select_one("symbol#svg-arrow-right") is not None, (
        "furo's page no longer defines the svg-arrow-right icon the sidebar labels use"
    )
    captions = page.select(".sidebar-tree p.caption[role=heading]")
    assert captions and all(c.get("aria-level") == "2" for c in captions)


def test_answers_are_sphinx_design_dropdowns(site: Any) -> None:
    answer = soup(site, "articles/remembering.html").select_one("details.sd-dropdown.course-answer")
    assert answer is not None and not answer.has_attr("open")
    summary = answer.select_one("summary.sd-summary-title")
    assert summary is not None and summary.get_text(" ", strip=True) == "Show answer"
    assert summary.select_one("svg.sd-octicon-chevron-right") is not None
    assert "The ability to keep information over time." in answer.get_text()


CITING = {
    "articles/citing.md": (
        "---\ncategory: junior-basics\nsummary: A page that cites.\n---\n\n# Citing\n\n"
        "Memory has stores {cite:p}`atkinson1968`.\n\n```{bibliography}\n```\n"
    )
}


def test_reference_list_is_a_list_for_assistive_technology(make_app: Any, tmp_path: Path) -> None:
    """htmlpage.py overrides docutils' citation visitor (pyproject bounds docutils)."""
    conf = {
        "extensions": ["myst_parser", "sphinx_design", "sphinxcontrib.bibtex", "tools.extensions"],
        "bibtex_bibfiles": ["references.bib"],
    }
    app = build(make_app, copy_root(tmp_path, "course", files=CITING), confoverrides=conf)
    page = soup(app, "articles/citing.html")
    entries = page.select("div.citation")
    assert entries, "no reference list"
    for entry in entries:
        assert entry.get("role") == "listitem", entry
        assert entry.parent is not None and entry.parent.get("role") == "list", entry.parent
    assert "doc-biblioentry" not in str(page)
    assert "Human memory" in entries[0].get_text()
