"""Related articles respect the reader's level (issue 15, item 1)."""

from __future__ import annotations

from pathlib import Path

from tools.course.catalog import ArticleRecord, Catalog
from tools.course.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy(Path(__file__).resolve().parent.parent / "conf" / "taxonomy.yaml")


def rec(
    slug: str, level: str, topics: tuple[str, ...] = ("memory",), **kw: object
) -> ArticleRecord:
    return ArticleRecord(
        slug=slug,
        docname=f"articles/{slug}",
        title=slug.replace("-", " ").title(),
        summary="A page.",
        category=None,
        level=level,
        course=None,
        topics=topics,
        **kw,  # type: ignore[arg-type]
    )


def related(records: list[ArticleRecord], slug: str) -> list[str]:
    return [r.slug for r in Catalog(TAXONOMY, records).related(slug)]


def test_no_suggestion_more_than_one_level_step_away() -> None:
    records = [
        rec("what-is-psychology", "year-7"),
        rec("classifying-disorders", "university"),
        rec("year-9-memory", "year-9"),
        rec("year-8-memory", "year-8"),
    ]
    assert related(records, "what-is-psychology") == ["year-8-memory"]


def test_same_level_ranks_before_adjacent_level() -> None:
    records = [
        rec("start", "year-8"),
        rec("aaa-year-9", "year-9"),
        rec("bbb-year-7", "year-7"),
        rec("zzz-year-8", "year-8"),
    ]
    assert related(records, "start") == ["zzz-year-8", "aaa-year-9", "bbb-year-7"]


def test_level_only_fill_stays_within_one_step() -> None:
    records = [rec("start", "year-7", topics=("attention",)), rec("far", "university")]
    records += [rec("near", "year-8", topics=("perception",))]
    assert related(records, "start") == ["near"]


def test_explicit_related_may_reach_any_level() -> None:
    records = [
        rec("what-is-psychology", "year-7", related=("classifying-disorders",)),
        rec("classifying-disorders", "university"),
    ]
    assert related(records, "what-is-psychology") == ["classifying-disorders"]


def test_a_far_article_that_lists_this_one_is_not_suggested_back() -> None:
    records = [
        rec("what-is-psychology", "year-7", topics=()),
        rec("classifying-disorders", "university", related=("what-is-psychology",)),
    ]
    assert related(records, "what-is-psychology") == []
    assert related(records, "classifying-disorders") == ["what-is-psychology"]
