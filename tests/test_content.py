"""The starter course: every article complete, original, and the glossary all in use."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

import pytest
from pybtex.database import parse_file  # type: ignore[import-untyped]

from tools.course.assessment import extract
from tools.course.checker import parse_page, running_words
from tools.course.frontmatter import read_front_matter
from tools.course.glossary import load_terms
from tools.course.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ARTICLES = sorted((DOCS / "articles").glob("*.md"))
TAXONOMY = load_taxonomy(ROOT / "conf" / "taxonomy.yaml")
ROLE = re.compile(r"\{term\}`([^`]*)`")  # may span a line break


def body_words(path: Path) -> int:
    """Words of the article's running text: not its questions, quizzes, answers or notes."""
    return running_words(parse_page(path))


def max_words(data: dict[str, object]) -> int:
    """The article's level's limit (conf/taxonomy.yaml `max_words`)."""
    level = TAXONOMY.level(TAXONOMY.category(str(data["category"])).level)
    assert level.max_words is not None, level.slug
    return level.max_words


def front(path: Path) -> dict[str, object]:
    fm, problems = read_front_matter(path.read_text(encoding="utf-8"))
    assert fm is not None and not problems, path
    return fm.data


def test_every_course_category_and_topic_has_an_article() -> None:
    categories = {front(p)["category"] for p in ARTICLES}
    topics = {t for p in ARTICLES for t in front(p).get("topics", [])}  # type: ignore[union-attr]
    assert set(TAXONOMY.slugs("category")) - categories == set()
    assert set(TAXONOMY.slugs("topic")) - topics == set()


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_article_has_every_required_part(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = front(path)
    for key in ("category", "topics", "related", "summary", "objectives", "keywords"):
        assert data.get(key), f"{path.name}: front matter lacks {key}"
    words = body_words(path)
    assert 600 <= words <= max_words(data), f"{path.name}: {words} words of running text"
    objectives = data["objectives"]
    assert isinstance(objectives, list)
    found = extract(parse_page(path), path.stem, objectives)
    assert found.problems == [], f"{path.name}: {found.problems}"  # answers, coverage, ids
    # Review questions, exam-style ones with a mark scheme among them (GCSE
    # articles' exam practice may all be exam-style).
    assert len(found.questions) >= 3, f"{path.name}: {len(found.questions)} questions"
    assert any(q.scheme for q in found.questions), f"{path.name}: no question with a mark scheme"
    assert 4 <= len(found.quiz_items) <= 6, f"{path.name}: {len(found.quiz_items)} quiz items"
    assert text.count(":::{instructor-note}") == 1
    assert len(set(ROLE.findall(text))) >= 3, f"{path.name}: too few glossary terms"
    assert re.search(r"\{cite:[tp]\}`", text), f"{path.name}: no citations"
    assert "## References" in text and "{bibliography}" in text


def test_diagrams_where_models_are_explained() -> None:
    with_diagram = [p.stem for p in ARTICLES if "```{graphviz}" in p.read_text(encoding="utf-8")]
    assert len(with_diagram) >= 8, with_diagram


def glossary_terms() -> set[str]:
    return set(load_terms([DOCS / "glossary.md"]))


def test_glossary_is_large_and_every_term_is_used() -> None:
    terms = glossary_terms()
    assert len(terms) >= 120
    used = {
        " ".join(
            (m.rsplit("<", 1)[1].rstrip(">") if m.rstrip().endswith(">") else m).split()
        ).lower()
        for p in ARTICLES
        for m in ROLE.findall(p.read_text(encoding="utf-8"))
    }
    assert sorted(terms - used) == [], "glossary terms no article uses"
    assert sorted(used - terms) == [], "terms used but not in the glossary"


def test_no_sentence_of_the_seed_page_is_copied() -> None:
    seed = {
        line.strip()
        for line in (ROOT / "tests" / "data" / "seed-shingles.txt").read_text().splitlines()
        if line and not line.startswith("#")
    }
    copied = []
    for path in [*ARTICLES, DOCS / "index.md", DOCS / "glossary.md"]:
        words = re.findall(r"[a-z0-9']+", path.read_text(encoding="utf-8").lower())
        for i in range(len(words) - 7):
            run = " ".join(words[i : i + 8])
            if hashlib.sha1(run.encode()).hexdigest()[:16] in seed:
                copied.append(f"{path.name}: {run}")
    assert copied == []


#: The levels read at university: Psychology 101 and every level after it in the taxonomy.
UNIVERSITY = [lvl.slug for lvl in TAXONOMY.levels][
    [lvl.slug for lvl in TAXONOMY.levels].index("psychology-101") :
]
RECENT = 2010


@functools.cache
def _cited(path: Path) -> frozenset[str]:
    """The bibliography keys a page cites (its `{cite:*}` roles, as the build reads them)."""
    return frozenset(
        key.strip()
        for role in parse_page(path).roles
        if role.name.startswith("cite")
        for key in role.content.split(",")
    )


@functools.cache
def _years() -> dict[str, int]:
    entries = parse_file(str(DOCS / "references.bib")).entries
    return {key: int(str(entry.fields["year"])[:4]) for key, entry in entries.items()}


@pytest.mark.parametrize("course", [c.slug for c in TAXONOMY.courses if c.level in UNIVERSITY])
def test_a_third_of_a_university_courses_references_are_recent(course: str) -> None:
    """Issue 18: at least a third of each module's references from 2010 or later."""
    keys = set().union(
        *(
            _cited(p)
            for p in ARTICLES
            if TAXONOMY.category(str(front(p)["category"])).course == course
        )
    )
    years = [_years()[k] for k in keys if k in _years()]
    assert years, course
    recent = sum(year >= RECENT for year in years)
    assert recent * 3 >= len(years), f"{course}: {recent} of {len(years)} from {RECENT} on"


@pytest.mark.parametrize(
    "category",
    [c.slug for c in TAXONOMY.categories if TAXONOMY.course(c.course).level in UNIVERSITY[1:]],
)
def test_every_university_module_category_has_a_reading_list(category: str) -> None:
    """Issue 18: each category of the modules after Psychology 101 holds at least three articles."""
    held = [p.stem for p in ARTICLES if front(p)["category"] == category]
    assert len(held) >= 3, f"{category}: {held}"
