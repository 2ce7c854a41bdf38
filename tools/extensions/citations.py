"""APA-style citations: round brackets, as psychology writes them.

sphinxcontrib-bibtex's ``author_year`` style uses square brackets; this
registers ``author_year_round``, the same style with parentheses, through the
plugin hook its documentation describes. The reference list is formatted by
``apa7_course`` (``bibtex_default_style``): pybtex-apa7-style with the entry
types the course cites set out as the APA 7 manual does (chapters with their
editors after "In", edited books, editions, reports, web pages, DOIs as
addresses) and titles kept as written, with the first word after a colon
capitalised. The site and the handouts print the same list, without labels.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

import pybtex.plugin  # type: ignore[import-untyped]
import sphinxcontrib.bibtex.plugin
from docutils import nodes
from formatting.apa import APAStyle, pages  # type: ignore[import-untyped]
from pybtex.richtext import Text  # type: ignore[import-untyped]
from pybtex.style.formatting import toplevel  # type: ignore[import-untyped]
from pybtex.style.template import (  # type: ignore[import-untyped]
    field,
    href,
    join,
    node,
    optional,
    optional_field,
    sentence,
    tag,
)
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STYLE_NAME = "author_year_round"
LIST_STYLE = "apa7_course"
_ORDINAL = {1: "st", 2: "nd", 3: "rd"}


def title_case_start(text: Text) -> Text:
    """APA sentence case as the author wrote it: only the first word, and the first
    word after a colon, are made capitals (proper nouns are left alone)."""
    first, *rest = text.split(": ")
    return Text(": ").join([first.capfirst(), *(part.capfirst() for part in rest)])


def edition(text: Text) -> Text:
    """ "2" -> "2nd ed."; words are kept ("Rev. ed." stays)."""
    plain = str(text).strip()
    if plain.isdigit():
        number = int(plain)
        suffix = "th" if 10 <= number % 100 <= 20 else _ORDINAL.get(number % 10, "th")
        return Text(f"{number}{suffix} ed.")
    return text if re.search(r"ed\.?$", plain) else Text(plain, " ed.")


@node  # type: ignore[untyped-decorator]
def editors_in(children: Any, context: Any) -> Text:
    """ "K. W. Spence & J. T. Spence (Eds.)": initials first, APA's ampersand rules."""
    assert not children
    people = context["entry"].persons.get("editor")
    if not people:
        return Text()
    names = [_initials_first(person) for person in people]
    if len(names) == 1:
        joined = names[0]
    elif len(names) == 2:
        joined = f"{names[0]} & {names[1]}"
    else:
        joined = ", ".join(names[:-1]) + ", & " + names[-1]
    return Text(joined, " (Eds.)" if len(names) > 1 else " (Ed.)")


def _initials_first(person: Any) -> str:
    given = [*person.first_names, *person.middle_names]
    initials = " ".join(
        "-".join(f"{part[0]}." for part in name.split("-") if part) for name in given if name
    )
    last = " ".join([*person.prelast_names, *person.last_names])
    suffix = ", " + " ".join(person.lineage_names) if person.lineage_names else ""
    text = f"{initials} {last}".strip() + suffix
    return str(Text.from_latex(text))


class CourseAPAStyle(APAStyle):  # type: ignore[misc]
    """pybtex-apa7-style, corrected where the course's entry types differ from APA 7."""

    name = LIST_STYLE

    def format_title(self, e: Any, which_field: str, as_sentence: bool = True) -> Any:
        title = field(which_field, apply_func=title_case_start)
        return sentence[title] if as_sentence else title

    def format_btitle(self, e: Any, which_field: str, as_sentence: bool = True) -> Any:
        title = tag("em")[field(which_field, apply_func=title_case_start)]
        return sentence[title] if as_sentence else title

    def format_edited(self, e: Any) -> Any:
        """Editors as authors of an edited book: "Spence, K. W. (Ed.). (1968)."."""
        word = "(Eds.)" if len(e.persons["editor"]) > 1 else "(Ed.)"
        return sentence(sep=" ")[self.format_names("editor", as_sentence=False), word]

    def _book_details(self, e: Any, extra: Any = None) -> Any:
        """ "(2nd ed., Vol. 2, pp. 89–195)" after a title, as far as the entry has them."""
        parts = []
        if e.fields.get("edition"):
            parts.append(field("edition", apply_func=edition))
        if e.fields.get("volume"):
            parts.append(self.format_volume(e))
        if extra is not None:
            parts.append(extra)
        if not parts:
            return ""
        return join["(", sentence(sep=", ", add_period=False)[parts], ")"]

    def get_book_template(self, e: Any) -> Any:
        if "author" in e.persons:
            who = [self.format_names("author"), self.format_date(e)]
        elif "editor" in e.persons:
            who = [self.format_edited(e), self.format_date(e)]
        else:
            who = []
        title = sentence(sep=" ")[self.format_btitle(e, "title", False), self._book_details(e)]
        head = [*who, title] if who else [title, self.format_date(e)]
        return toplevel[
            *head,
            sentence[optional_field("publisher")],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_incollection_template(self, e: Any) -> Any:
        """Author. (Year). Chapter. In E. Editor (Ed.), *Book* (pp. x–y). Publisher."""
        chapter_in = sentence(sep=" ")[
            "In",
            optional[join[editors_in(), ","]],
            self.format_btitle(e, "booktitle", False),
            self._book_details(e, pages if e.fields.get("pages") else None),
        ]
        head = (
            [self.format_names("author"), self.format_date(e), self.format_title(e, "title")]
            if "author" in e.persons
            else [self.format_title(e, "title"), self.format_date(e)]
        )
        return toplevel[
            *head,
            chapter_in,
            sentence[optional_field("publisher")],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    get_inbook_template = get_incollection_template

    def get_techreport_template(self, e: Any) -> Any:
        """Author. (Year). *Title* (Report No. 7). Institution. URL"""
        number = optional[join["(", optional_field("type"), " No. ", field("number"), ")"]]
        title = sentence(sep=" ")[self.format_btitle(e, "title", False), number]
        head = (
            [self.format_names("author"), self.format_date(e), title]
            if "author" in e.persons
            else [title, self.format_date(e)]
        )
        return toplevel[
            *head,
            sentence[optional_field("institution")],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_misc_template(self, e: Any) -> Any:
        """A web page: Author. (Year). *Title*. Site. URL"""
        site = first_present(e, "organization", "publisher", "howpublished")
        head = [self.format_names("author"), self.format_date(e)] if "author" in e.persons else []
        title = optional[self.format_btitle(e, "title")]
        return toplevel[
            *([*head, title] if head else [title, self.format_date(e)]),
            sentence[optional_field(site)] if site else sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    get_online_template = get_misc_template

    def format_url(self, e: Any) -> Any:
        return href[field("url", raw=True), field("url", raw=True)]

    def format_doi(self, e: Any) -> Any:
        address = join["https://doi.org/", field("doi", raw=True)]
        return href[address, address]


def first_present(e: Any, *names: str) -> str | None:
    return next((n for n in names if e.fields.get(n)), None)


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclasses.dataclass
class RoundAuthorYearStyle(AuthorYearReferenceStyle):
    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_textual: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_author: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_label: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_round)


def drop_labels(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """APA lists have no "[Author, Year]" labels: on the site or in a handout."""
    for citation in doctree.findall(nodes.citation):
        for label in list(citation.findall(nodes.label)):
            label.parent.remove(label)


def setup_citations(app: Sphinx) -> None:
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", STYLE_NAME, RoundAuthorYearStyle
    )
    if LIST_STYLE not in pybtex.plugin.enumerate_plugin_names("pybtex.style.formatting"):
        pybtex.plugin.register_plugin("pybtex.style.formatting", LIST_STYLE, CourseAPAStyle)
    app.connect("doctree-resolved", drop_labels)
