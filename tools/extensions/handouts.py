"""Handouts: one LaTeX document per course (or one category, or one article).

``latex_documents`` is generated from the taxonomy, never kept by hand: each
course becomes ``<course>-<edition>.tex``, starting at its generated course
page, so its categories are chapters and its articles sections, in course
order. ``course_handout`` narrows a build to ``category:<slug>`` or
``article:<slug>``; ``course_edition`` picks the student or instructor
edition (see questions.py for what each contains).

Two things are added to the assembled document here: a "Key terms"
chapter holding the glossary entries the handout's articles use, and a
guard for characters the handout font cannot print, which become a visible
``[U+XXXX]`` with a warning naming the page, instead of vanishing.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ConfigError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from tools.course import paths
from tools.course.taxonomy import Taxonomy

from .config import taxonomy_for
from .domain import CourseDomain
from .terms import glossary

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

LATEX_DIR = Path(__file__).with_name("latex")
HANDOUT_FONT = "FreeSerif"


def handout_documents(
    taxonomy: Taxonomy, selection: str, edition: str, project: str
) -> list[tuple[str, str, str, str, str, bool]]:
    """``latex_documents`` entries for a selection: 'all', 'category:<slug>' or 'article:<slug>'."""
    label = f"{edition.capitalize()} edition"
    if selection == "all":
        return [
            (
                paths.generated_docname("course", course.slug),
                f"{course.slug}-{edition}.tex",
                course.title,
                f"{taxonomy.level(course.level).title} · {label}",
                "manual",
                False,
            )
            for course in taxonomy.courses
        ]
    kind, _, slug = selection.partition(":")
    if kind == "category" and taxonomy.get("category", slug) is not None:
        cat = taxonomy.category(slug)
        return [
            (
                paths.generated_docname("category", slug),
                f"{slug}-{edition}.tex",
                taxonomy.category_label(slug),
                f"{taxonomy.level(cat.level).title} · {label}",
                "manual",
                False,
            )
        ]
    if kind == "article" and slug:
        return [(paths.article_docname(slug), f"{slug}-{edition}.tex", slug, label, "howto", False)]
    raise ConfigError(
        f"course_handout: expected 'all', 'category:<slug>' or 'article:<slug>', got {selection!r}"
    )


def configure_latex(app: Sphinx, config: Config) -> None:
    """Fill ``latex_documents`` from the taxonomy and load our LaTeX package."""
    if config.course_edition not in ("student", "instructor"):
        raise ConfigError(
            f"course_edition must be 'student' or 'instructor', not {config.course_edition!r}"
        )
    taxonomy = taxonomy_for(config)
    config.latex_documents = handout_documents(
        taxonomy, config.course_handout, config.course_edition, config.project
    )
    config.latex_additional_files = [
        *config.latex_additional_files,
        str(LATEX_DIR / "coursehandout.sty"),
    ]


def record_terms(app: Sphinx, doctree: nodes.document) -> None:
    """Which glossary terms each page uses, for the handout's "Key terms" chapter."""
    terms = {
        str(n["reftarget"]).lower()
        for n in doctree.findall(addnodes.pending_xref)
        if n.get("refdomain") == "std" and n.get("reftype") == "term"
    }
    domain = app.env.domains["course"]
    assert isinstance(domain, CourseDomain)
    domain.note_terms(app.env.current_document.docname, terms)


def _glossary_entries(app: Sphinx) -> dict[str, nodes.definition_list_item]:
    """Every glossary entry of the site, by lower-case term (read once, see terms.py)."""
    return {term: entry.item for term, entry in glossary(app.env).items()}


def add_key_terms(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "latex":
        return
    domain = app.env.domains["course"]
    assert isinstance(domain, CourseDomain)
    included: set[str] = getattr(app.builder, "docnames", set())
    used = (
        set().union(*(domain.data["terms"].get(d, set()) for d in included)) if included else set()
    )
    if not used:
        return
    entries = _glossary_entries(app)
    items = [entries[t].deepcopy() for t in sorted(used) if t in entries]
    if not items:
        return
    section = nodes.section(ids=["course-key-terms"])
    section += nodes.title("Key terms", "Key terms")
    glossary = nodes.definition_list(classes=["glossary"])
    for item in items:
        for term in item.findall(nodes.term):
            term["ids"] = []
        glossary += item
    section += glossary
    doctree += section


@cache
def _font_codepoints(font: str) -> frozenset[int] | None:
    """The characters the handout font has glyphs for (None if it can't be found)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    found = subprocess.run(
        [fc_match, "-f", "%{file}", font], capture_output=True, text=True, check=False
    )
    path = Path(found.stdout.strip())
    if not path.is_file() or font.lower() not in path.name.lower():
        return None
    from fontTools.ttLib import TTFont

    cmap = TTFont(path, lazy=True).getBestCmap()
    return frozenset(cmap) if cmap else None


def _page_of(node: nodes.Node, default: str) -> str:
    while node is not None:
        if isinstance(node, addnodes.start_of_file):
            return str(node["docname"])
        node = node.parent
    return default


def replace_unprintable(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Characters the font lacks become a visible ``[U+XXXX]``, with a warning naming the page."""
    if app.builder.format != "latex":
        return
    covered = _font_codepoints(HANDOUT_FONT)
    if covered is None:
        logger.info("[course] handout font %s not found; skipping the glyph check", HANDOUT_FONT)
        return
    for text in list(doctree.findall(nodes.Text)):
        value = str(text)
        missing = {
            ch for ch in value if ord(ch) > 0x7F and ord(ch) not in covered and not ch.isspace()
        }
        if not missing:
            continue
        page = _page_of(text, docname)
        for ch in sorted(missing):
            logger.warning(
                "%s: character %r (U+%04X) has no glyph in the handout font; printed as [U+%04X]",
                app.env.doc2path(page),
                ch,
                ord(ch),
                ord(ch),
                type="course",
                subtype="unicode",
            )
            value = value.replace(ch, f"[U+{ord(ch):04X}]")
        text.parent.replace(text, nodes.Text(value))


class DropEmptySections(SphinxPostTransform):
    """Citations move to one reference list at the handout's end; drop the headings left empty."""

    default_priority = 760  # after Sphinx's BibliographyTransform (750)
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for section in list(self.document.findall(nodes.section)):
            title = section.next_node(nodes.title)
            if title is not None and section.astext().strip() == title.astext().strip():
                section.parent.remove(section)


def setup_handouts(app: Sphinx) -> None:
    app.add_config_value(
        "course_handout",
        "all",
        "",
        types=frozenset({str}),
        description="What the LaTeX build contains: 'all' courses, 'category:<slug>' or 'article:<slug>'.",
    )
    app.add_latex_package("coursehandout")
    app.add_post_transform(DropEmptySections)
    app.connect("config-inited", configure_latex, priority=800)
    app.connect("doctree-read", record_terms)
    app.connect("doctree-resolved", add_key_terms, priority=700)
    app.connect("doctree-resolved", replace_unprintable, priority=900)
