"""Progression links between the school years before GCSE and the GCSE articles (fast, no build).

Which years are which comes from the data, not from a list here: the exam
courses are the courses a specification in ``conf/specifications/`` names
(``courses:``), the exam levels are their levels, and the years before GCSE are
the taxonomy's levels that come before the first exam level (Years 7-9 today).
An article belongs to a level through its category.

A reader of a Years 7-9 article should be pointed forward to where the course
continues its theme at GCSE, and a GCSE reader sent there should be pointed back
to what they met first; an ``{article}`` link is what the reader sees and clicks.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tools.course.corpus import ArticleFile, scan_articles
from tools.course.reader import read_file, role_target
from tools.course.specification import load_specifications, specifications_folder
from tools.course.taxonomy import Taxonomy, load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = load_taxonomy(ROOT / "conf" / "taxonomy.yaml")
SPECS = load_specifications(specifications_folder(ROOT / "conf" / "taxonomy.yaml"), TAXONOMY)
ARTICLES = scan_articles(ROOT / "docs")


def _exam_and_earlier_levels(taxonomy: Taxonomy) -> tuple[set[str], set[str]]:
    """The levels of the courses a specification names, and the levels before the first of them."""
    exam = {taxonomy.course(c).level for spec in SPECS for c in spec.courses}
    order = taxonomy.level_order()
    first = min(order[lv] for lv in exam)
    return exam, {lv.slug for lv in taxonomy.levels[:first]}


EXAM_LEVELS, EARLIER_LEVELS = _exam_and_earlier_levels(TAXONOMY)


def _slugs_at(levels: set[str], articles: Iterable[ArticleFile]) -> set[str]:
    known = set(TAXONOMY.slugs("category"))
    return {
        a.slug
        for a in articles
        if a.category in known and TAXONOMY.category(a.category).level in levels
    }


EXAM = _slugs_at(EXAM_LEVELS, ARTICLES)
EARLIER = _slugs_at(EARLIER_LEVELS, ARTICLES)
PATHS = {a.slug: a.path for a in ARTICLES}


def _article_links(slug: str) -> set[str]:
    """The articles a page links to with the {article} role, as the build reads the page."""
    page = read_file(PATHS[slug])
    return {role_target(r.content) for r in page.roles if r.name == "article"}


def test_the_rule_finds_both_groups() -> None:
    """The data-derived rule picks some earlier years and some exam articles, or nothing is tested."""
    assert EARLIER_LEVELS, "no level comes before the first level a specification names"
    assert EARLIER, f"no article in the levels {sorted(EARLIER_LEVELS)}"
    assert EXAM, f"no article in the levels {sorted(EXAM_LEVELS)}"
    assert not EARLIER_LEVELS & EXAM_LEVELS


def test_every_earlier_article_links_forward_to_a_gcse_article() -> None:
    missing = sorted(slug for slug in EARLIER if not _article_links(slug) & EXAM)
    assert not missing, (
        f"these articles of {sorted(EARLIER_LEVELS)} link to no article of "
        f"{sorted(EXAM_LEVELS)} with {{article}}: {missing}"
    )


def test_every_gcse_article_linked_forward_links_back() -> None:
    forward: dict[str, set[str]] = {}
    for slug in EARLIER:
        for target in _article_links(slug) & EXAM:
            forward.setdefault(target, set()).add(slug)
    assert forward, "no earlier article links forward, so there is nothing to link back"
    missing = {
        target: sorted(sources)
        for target, sources in sorted(forward.items())
        if not _article_links(target) & EARLIER
    }
    assert not missing, (
        "these exam articles are linked forward to (from the articles listed) but link "
        f"back to no article of {sorted(EARLIER_LEVELS)}: {missing}"
    )
