"""Related articles respect the reader's level (issue 15, item 1)."""

from __future__ import annotations

import random
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


def _every_candidate_ranked(catalog: Catalog, record: ArticleRecord, seen: set[str]) -> list[str]:
    """The ranking rule as :meth:`Catalog.related` states it, applied to every candidate."""
    keywords = {k.casefold() for k in record.keywords}
    pool = [
        c
        for c in catalog.by_slug.values()
        if c.slug not in seen
        and catalog._adjacent(record, c)
        and (
            set(c.topics) & set(record.topics)
            or (record.category is not None and c.category == record.category)
            or keywords & {k.casefold() for k in c.keywords}
        )
    ]
    return [c.slug for c in sorted(pool, key=lambda c: catalog._rank(record, c))]


def test_narrowed_ranking_equals_ranking_every_candidate() -> None:
    # The catalog ranks tier by tier (shared topics, category, level) so that it
    # need not score a whole bucket; on random catalogs it must pick exactly
    # what scoring every candidate picks.
    rng = random.Random(13)
    topics = [t.slug for t in TAXONOMY.topics]
    for _ in range(60):
        categories = rng.sample(TAXONOMY.categories, rng.randint(1, 6))
        records = []
        for i in range(rng.randint(2, 50)):
            category = rng.choice([*categories, None])
            records.append(
                ArticleRecord(
                    slug=f"a{i}",
                    docname=f"articles/a{i}",
                    title=rng.choice(["Alpha", "beta", "alpha"]) + str(rng.randint(0, 3)),
                    summary="A page.",
                    category=category.slug if category else None,
                    level=category.level if category else rng.choice([None, "year-8"]),
                    course=category.course if category else None,
                    topics=tuple(rng.sample(topics[:6], rng.randint(0, 4))),
                    keywords=tuple(rng.sample("abcdE", rng.randint(0, 3))),
                )
            )
        catalog = Catalog(TAXONOMY, records)
        for record in records:
            seen = {record.slug, *(r.slug for r in rng.sample(records, rng.randint(0, 2)))}
            for wanted in (1, 5, len(records)):
                narrowed = [c.slug for c in catalog._best_scored(record, set(seen), wanted)]
                assert narrowed == _every_candidate_ranked(catalog, record, seen)[:wanted]
