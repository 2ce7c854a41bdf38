"""The glossary, read one way: from the reader's parse of each ``{glossary}`` directive.

Sphinx's glossary takes every unindented line of the directive body as a
term and the indented lines after it as the definition; ``course check``,
the content tests and any other caller read the terms here, the same way.
Nothing here imports Sphinx.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .reader import Page, glossary_definitions, glossary_terms, read_file


@dataclass(frozen=True)
class Term:
    term: str
    line: int
    definition: str


def page_terms(page: Page) -> list[Term]:
    """Every term of every glossary directive on a page, in order, with its definition."""
    out: list[Term] = []
    for directive in page.directives:
        if directive.name != "glossary":
            continue
        definitions = dict(glossary_definitions(directive.body, directive.body_line))
        for line, term in glossary_terms(directive.body, directive.body_line):
            definition = definitions.get(_next_definition(definitions, line), "")
            out.append(Term(term, line, definition.strip()))
    return out


def _next_definition(definitions: dict[int, str], line: int) -> int:
    return min((start for start in definitions if start > line), default=0)


def key(term: str) -> str:
    """How Sphinx matches a ``{term}`` reference: case and runs of spaces do not matter."""
    return " ".join(term.split()).lower()


def load_terms(paths: Iterable[Path]) -> dict[str, Term]:
    """Terms of the glossaries in *paths*, by :func:`key`."""
    terms: dict[str, Term] = {}
    for path in paths:
        for term in page_terms(read_file(path)):
            terms.setdefault(key(term.term), term)
    return terms
