"""APA-style citations: round brackets, as psychology writes them.

sphinxcontrib-bibtex's ``author_year`` style uses square brackets; this
registers ``author_year_round``, the same style with parentheses, through the
plugin hook its documentation describes. The reference list itself is
formatted by pybtex-apa7-style (``bibtex_default_style = "apa7"``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import sphinxcontrib.bibtex.plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STYLE_NAME = "author_year_round"


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclasses.dataclass
class RoundAuthorYearStyle(AuthorYearReferenceStyle):
    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_textual: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_author: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_label: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_round)


def setup_citations(app: Sphinx) -> None:
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", STYLE_NAME, RoundAuthorYearStyle
    )
