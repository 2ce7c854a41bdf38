"""Handouts: what each one holds, its Key terms, and characters the font lacks.

Which handouts a build makes is worked out from the taxonomy, never kept by
hand: each course is ``<course>-<edition>``, starting at its generated course
page, so its categories are chapters and its articles sections, in course
order. ``course_handout`` narrows a build to ``category:<slug>`` or
``article:<slug>``; ``course_edition`` picks the student or instructor
edition (see questions.py for what each contains). The ``handout`` builder
(handoutbuilder.py) writes them; tools/outputs/pdfbuild.py prints them.

Two things are added to the assembled document here: a "Key terms" section
holding the glossary entries the handout's articles use, and a guard for
characters the handout font cannot print, which become a visible
``[U+XXXX]`` with a warning naming the page, instead of vanishing.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ConfigError
from sphinx.util import logging

from tools.course import paths
from tools.course.taxonomy import Taxonomy

from .config import taxonomy_for
from .domain import CourseDomain, course_domain
from .terms import glossary

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: The text font of the handouts (handout.css names it first).
HANDOUT_FONT = "FreeSerif"
EDITIONS = ("student", "instructor")


@dataclass(frozen=True)
class Handout:
    """One handout of one edition: where it starts and what its PDF says it is."""

    start: str  # docname whose toctree holds the rest
    name: str  # file name without suffix
    kind: str  # course, category or article
    title: str
    subtitle: str
    subject: str
    keywords: tuple[str, ...]


def handout_documents(
    taxonomy: Taxonomy, selection: str, edition: str, env: BuildEnvironment
) -> list[Handout]:
    """The handouts of a selection: 'all' (every course), 'articles' (every article, for
    the site's downloads), 'category:<slug>' or 'article:<slug>'."""
    label = f"{edition.capitalize()} edition"
    if selection == "articles":
        slugs = sorted(paths.article_slug(d) for d in course_domain(env).articles)
        return [h for s in slugs for h in handout_documents(taxonomy, f"article:{s}", edition, env)]
    if selection == "all":
        return [
            Handout(
                start=paths.generated_docname("course", course.slug),
                name=f"{course.slug}-{edition}",
                kind="course",
                title=course.title,
                subtitle=f"{taxonomy.level(course.level).title} · {label}",
                subject=f"{course.title}: course handout, {label.lower()}",
                keywords=(course.title, *(c.title for c in course.categories)),
            )
            for course in taxonomy.courses
        ]
    kind, _, slug = selection.partition(":")
    if kind == "category" and taxonomy.get("category", slug) is not None:
        cat = taxonomy.category(slug)
        title = taxonomy.category_label(slug)
        return [
            Handout(
                start=paths.generated_docname("category", slug),
                name=f"{slug}-{edition}",
                kind="category",
                title=title,
                subtitle=f"{taxonomy.level(cat.level).title} · {label}",
                subject=f"{title}: category handout, {label.lower()}",
                keywords=(cat.title, taxonomy.course(cat.course).title),
            )
        ]
    domain = env.domains["course"]
    assert isinstance(domain, CourseDomain)
    record = domain.articles.get(paths.article_docname(slug))
    if kind == "article" and record is not None:
        level = taxonomy.get("level", record.level) if record.level else None
        return [
            Handout(
                start=record.docname,
                name=f"{slug}-{edition}",
                kind="article",
                title=record.title,
                subtitle=f"{level.title} · {label}" if level is not None else label,
                subject=record.summary or f"{record.title}: article handout",
                keywords=record.keywords,
            )
        ]
    raise ConfigError(
        "course_handout: expected 'all', 'category:<slug>' or 'article:<slug>' naming "
        f"a category or article that exists, got {selection!r}"
    )


def selection_problem(selection: str, taxonomy: Taxonomy, srcdir: Path) -> str:
    """Why *selection* names no handout ('' when it names one)."""
    kind, _, slug = selection.partition(":")
    if selection in ("all", "articles"):
        return ""
    if kind == "category":
        if taxonomy.get("category", slug) is None:
            return f"no category {slug!r} in the taxonomy (`course list` shows them)"
        return ""
    if kind == "article" and slug:
        page = (srcdir / paths.article_docname(slug)).with_suffix(".md")
        return "" if page.is_file() else f"no article {slug!r}: expected {page}"
    return f"expected 'all', 'category:<slug>' or 'article:<slug>', got {selection!r}"


def check_config(app: Sphinx, config: Config) -> None:
    """A wrong edition or selection stops the build before reading, saying why."""
    if config.course_edition not in EDITIONS:
        raise ConfigError(
            f"course_edition must be 'student' or 'instructor', not {config.course_edition!r}"
        )
    problem = selection_problem(config.course_handout, taxonomy_for(config), Path(app.srcdir))
    if problem:
        raise ConfigError(f"course_handout: {problem}")


def record_terms(app: Sphinx, doctree: nodes.document) -> None:
    """Which glossary terms each page uses, for the handout's "Key terms" section."""
    terms = {
        str(n["reftarget"]).lower()
        for n in doctree.findall(addnodes.pending_xref)
        if n.get("refdomain") == "std" and n.get("reftype") == "term"
    }
    domain = app.env.domains["course"]
    assert isinstance(domain, CourseDomain)
    domain.note_terms(app.env.current_document.docname, terms)


def add_key_terms(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The glossary entries the handout's pages use, as a last section of the handout."""
    if app.builder.format != "handout":
        return
    domain = app.env.domains["course"]
    assert isinstance(domain, CourseDomain)
    included: set[str] = getattr(app.builder, "docnames", set())
    used: set[str] = set().union(*(domain.data["terms"].get(d, set()) for d in included))
    entries = glossary(app.env)
    items = [entries[t].item.deepcopy() for t in sorted(used) if t in entries]
    if not items:
        return
    section = nodes.section(ids=["course-key-terms"], classes=["key-terms"])
    section += nodes.title("Key terms", "Key terms")
    terms = nodes.definition_list(classes=["glossary"])
    for item in items:
        for term in item.findall(nodes.term):
            term["ids"] = []
        terms += item
    section += terms
    # A sibling of the handout's chapters: inside its top section, at their level.
    top = doctree.next_node(nodes.section)
    (top if top is not None else doctree).append(section)


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
    if app.builder.format != "handout":
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


def setup_handouts(app: Sphinx) -> None:
    from .handoutbuilder import setup_handout_builder

    app.add_config_value(
        "course_handout",
        "all",
        "",
        types=frozenset({str}),
        description="What the handout build contains: 'all' courses, every article "
        "('articles'), 'category:<slug>' or 'article:<slug>'.",
    )
    app.connect("config-inited", check_config, priority=800)
    app.connect("doctree-read", record_terms)
    app.connect("doctree-resolved", add_key_terms, priority=700)
    app.connect("doctree-resolved", replace_unprintable, priority=900)
    setup_handout_builder(app)
