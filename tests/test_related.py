"""Roles, related articles, similar categories and indexes: what a reader sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import build, card_titles, copy_root, main_text, soup, warnings


@pytest.fixture
def site(make_app: Any, tmp_path: Path) -> Any:
    return build(make_app, copy_root(tmp_path, "course"))


def test_article_role_links_with_target_title(site: Any) -> None:
    page = soup(site, "articles/remembering.html")
    links = {a.get_text(): a["href"] for a in page.select("article p a.reference.internal")}
    assert links["Paying Attention"] == "paying-attention.html"
    assert links["the growing page"] == "growing-up.html"


def test_taxonomy_roles_link_to_generated_pages(site: Any) -> None:
    page = soup(site, "articles/paying-attention.html")
    links = {a.get_text(): a["href"] for a in page.select("article p a.reference.internal")}
    assert links["Junior · Basics"] == "../browse/categories/junior-basics.html"
    assert links["Memory"] == "../browse/topics/memory.html"
    assert links["Senior"] == "../browse/levels/senior.html"


def test_unknown_target_warns_with_location_and_suggestion(make_app: Any, tmp_path: Path) -> None:
    page = "---\ncategory: junior-basics\nsummary: A page.\n---\n\n# Linker\n\nSee {article}`remembering-thing`.\n"
    app = build(make_app, copy_root(tmp_path, "course", files={"articles/linker.md": page}))
    assert (
        "linker.md:8: WARNING: {article} role: no article with slug 'remembering-thing'; "
        "did you mean 'remembering'? [course.ref]"
    ) in warnings(app)


def test_unknown_target_warning_can_be_suppressed(make_app: Any, tmp_path: Path) -> None:
    page = (
        "---\ncategory: junior-basics\nsummary: A page.\n---\n\n# Linker\n\nSee {topic}`memry`.\n"
    )
    src = copy_root(tmp_path, "course", files={"articles/linker.md": page})
    app = build(make_app, src, confoverrides={"suppress_warnings": ["course.ref"]})
    assert "memry" not in warnings(app)


def test_related_explicit_first_then_ranked_suggestions(site: Any) -> None:
    # remembering: explicit [paying-attention]; then working-memory shares the
    # 'memory' topic; growing-up shares only the category's level.
    assert card_titles(site, "articles/remembering.html", ".course-related") == [
        "Paying Attention",
        "Working Memory",
        "Growing Up",
    ]


def test_referenced_by_counts_and_never_itself(site: Any) -> None:
    titles = card_titles(site, "articles/paying-attention.html", ".course-related")
    assert titles[0] == "Remembering Things"  # it lists paying-attention as related
    assert "Paying Attention" not in titles


def test_related_block_can_be_turned_off(make_app: Any, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "course")
    page = src / "articles" / "growing-up.md"
    page.write_text(page.read_text().replace("keywords:", "show_related: false\nkeywords:"))
    app = build(make_app, src)
    assert soup(app, "articles/growing-up.html").select_one(".course-related") is None


def test_related_cards_show_level_badge_and_summary(site: Any) -> None:
    card = soup(site, "articles/remembering.html").select_one(".course-related .course-card")
    assert card is not None
    assert (
        " ".join(card.get_text(" ").split())
        == "Paying Attention Junior Why we notice some things and not others."
    )


def test_similar_categories_counted_on_listing_pages_only(site: Any) -> None:
    """An article links its similar categories and topics; their pages give the counts."""
    text = main_text(site, "articles/remembering.html")
    assert "Similar categories" in text
    assert (
        "Similar categories At other levels: Senior · Basics "
        "In this course: Junior · Growing Topics: Attention · Learning"
    ) in text
    category = main_text(site, "browse/categories/junior-basics.html")
    assert "At other levels: Senior · Basics (1)" in category
    assert "Topics: Memory (3) · Attention (1) · Learning (1)" in category


def test_indexes_list_everything_with_counts(site: Any) -> None:
    allcats = main_text(site, "browse/index.html")
    assert "Basics (2)" in allcats and "Growing (1)" in allcats and "Memory (3)" in allcats
    assert card_titles(site, "browse/a-z.html") == [
        "Growing Up",
        "Paying Attention",
        "Remembering Things",
        "Working Memory",
    ]
    domain_index = main_text(site, "course-categories.html")
    assert "Basics (Junior Course) 2 articles" in domain_index
    assert "Memory 3 articles" in main_text(site, "course-topics.html")
    links = [a["href"] for a in soup(site, "browse/index.html").select("article a")]
    assert "../course-categories.html" in links and "../course-topics.html" in links


def test_topic_page_lists_articles_in_course_order(site: Any) -> None:
    assert card_titles(site, "browse/topics/memory.html") == [
        "Paying Attention",
        "Remembering Things",
        "Working Memory",
    ]


def test_handout_resolves_roles_to_internal_links(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, copy_root(tmp_path, "course"), "handout")
    page = (Path(app.outdir) / "junior-course-student.html").read_text(encoding="utf-8")
    assert 'href="#document-articles/paying-attention"' in page
    assert "See also:" in page
    assert "sd-card" not in page
