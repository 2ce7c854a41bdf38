"""Articles: front matter checked on the way in, a record on the way out.

``source-read`` validates the front matter against the model and the
taxonomy, reporting each problem at its file and line; ``doctree-read``
stores the page's :class:`ArticleRecord` on the course domain and adds what
every article shows: a trail (level › course › category) with a level badge,
the reading time, the learning objectives, and placeholders for the related
articles and similar categories filled in at resolve time.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from tools.course import paths
from tools.course.catalog import ArticleRecord
from tools.course.frontmatter import ArticleMeta, is_article, read_front_matter, validate_article
from tools.course.suggest import did_you_mean

from .config import taxonomy_of
from .domain import CourseDomain
from .listings import BADGE_CLASSES, listing
from .questions import answer, instructor_note
from .report import warn_problem

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

META_KEY = "course:meta"
PROBLEMS_KEY = "course:problems"
WORDS_PER_MINUTE = 200


def check_front_matter(app: Sphinx, docname: str, source: list[str]) -> None:
    if not is_article(docname):
        return
    fm, problems = read_front_matter(source[0])
    meta = None
    if not problems:
        meta, problems = validate_article(fm, taxonomy_of(app.env))
    for problem in problems:
        warn_problem(docname, problem, "frontmatter")
    app.env.current_document[META_KEY] = meta or ArticleMeta(category=None, summary="")
    app.env.current_document[PROBLEMS_KEY] = bool(problems)


def _xref(kind: str, slug: str, text: str, *classes: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "", refdomain="course", reftype=kind, reftarget=slug, refexplicit=True, refwarn=True
    )
    ref += nodes.inline(text, text, classes=["xref", "course", f"course-{kind}", *classes])
    return ref


def _reading_minutes(doctree: nodes.document) -> int:
    words = 0
    for para in doctree.findall(nodes.paragraph):
        if any(isinstance(a, (answer, instructor_note)) for a in _ancestors(para)):
            continue
        words += len(para.astext().split())
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    out = []
    while node.parent is not None:
        node = node.parent
        out.append(node)
    return out


def _header(env: BuildEnvironment, record: ArticleRecord, minutes: int) -> list[nodes.Node]:
    taxonomy = taxonomy_of(env)
    out: list[nodes.Node] = []
    if record.category:
        cat = taxonomy.category(record.category)
        course = taxonomy.course(cat.course)
        level = taxonomy.level(cat.level)
        trail = nodes.paragraph(classes=["course-trail", "no-search"])
        trail += _xref("level", level.slug, level.title, *BADGE_CLASSES, "course-level-badge")
        for kind, slug, title in (
            ("course", course.slug, course.title),
            ("category", cat.slug, cat.title),
        ):
            trail += nodes.inline(" › ", " › ", classes=["course-trail-sep"])
            trail += _xref(kind, slug, title)
        out.append(trail)
    unit = "minute" if minutes == 1 else "minutes"
    out.append(
        nodes.paragraph(
            "",
            f"Reading time: about {minutes} {unit}",
            classes=["course-reading-time", "no-search"],
        )
    )
    if record.objectives:
        box = nodes.admonition(classes=["course-objectives", "tip"])
        box += nodes.title("Learning objectives", "Learning objectives")
        box += nodes.paragraph("", "By the end of this article you should be able to:")
        items = nodes.bullet_list()
        for objective in record.objectives:
            item = nodes.list_item()
            item += nodes.paragraph(objective, objective)
            items += item
        box += items
        out.append(box)
    return out


def record_article(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.current_document.docname
    domain = env.domains["course"]
    assert isinstance(domain, CourseDomain)
    domain.note_links(
        docname,
        {
            str(n["reftarget"])
            for n in doctree.findall(addnodes.pending_xref)
            if n.get("refdomain") == "course" and n.get("reftype") == "article"
        },
    )
    if not is_article(docname):
        return
    meta: ArticleMeta = env.current_document.get(META_KEY) or ArticleMeta(category=None, summary="")
    if env.current_document.get(PROBLEMS_KEY):
        domain.note_reread(docname)
    taxonomy = taxonomy_of(env)
    category = taxonomy.category(meta.category) if meta.category else None
    title = env.titles[docname].astext() if docname in env.titles else paths.article_slug(docname)
    record = ArticleRecord(
        slug=paths.article_slug(docname),
        docname=docname,
        title=title,
        summary=meta.summary,
        category=meta.category,
        level=category.level if category else None,
        course=category.course if category else None,
        topics=meta.topics,
        related=meta.related,
        keywords=meta.keywords,
        objectives=meta.objectives,
        show_related=meta.show_related,
        related_line=meta.line_of("related"),
    )
    domain.note_article(record)

    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    header = _header(env, record, _reading_minutes(doctree))
    title_index = section.first_child_matching_class(nodes.title)
    at = 0 if title_index is None else title_index + 1
    section[at:at] = header
    slug = record.slug
    section += listing(kind="article", entry=slug, what="related")
    section += listing(kind="article", entry=slug, what="similar")


def check_related(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Related slugs can only be checked once every article has been read."""
    domain = app.env.domains["course"]
    assert isinstance(domain, CourseDomain)
    record = domain.articles.get(docname)
    if record is None:
        return
    known = domain.catalog().by_slug
    for slug in record.related:
        if slug not in known:
            logger.warning(
                "'related': no article with slug %r%s [FM007]",
                slug,
                did_you_mean(slug, known),
                location=(docname, record.related_line),
                type="course",
                subtype="frontmatter",
            )


def reread_flagged(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages whose front matter was wrong are read again, so their warnings repeat."""
    domain = env.domains["course"]
    assert isinstance(domain, CourseDomain)
    return [d for d in domain.data["reread"] if d in env.found_docs and d not in changed]


def setup_articles(app: Sphinx) -> None:
    app.connect("source-read", check_front_matter)
    app.connect("doctree-read", record_article)
    app.connect("doctree-resolved", check_related)
    app.connect("env-get-outdated", reread_flagged)
