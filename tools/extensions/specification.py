"""Exam specifications on the site: ids checked, coverage pages, points on articles.

An article's ``spec`` ids are checked at ``source-read`` by the model's
rules (tools/course/specification.py, as ``course check`` does) and each
problem is a warning at the key's line; the valid ids are recorded at
``doctree-read``. Each specification file gets a generated coverage page
(``docs/browse/specifications/<id>.md``, written with the other generated
pages): every content point grouped by topic, the articles that teach it,
"Not taught yet" in words on a point none teaches, and "N of M content points
taught". A GCSE article's header names the points it teaches, linked to their
rows; a course page links to its specifications' coverage pages with the
count; the instructor handout of such a course starts with the coverage
table. Everything shown of other pages comes from the page's view
(views.py ``specification``), so incremental builds rewrite what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from tools.course import paths
from tools.course.frontmatter import ArticleMeta, is_article
from tools.course.specification import spec_problems

from .articles import META_KEY, PROBLEMS_KEY
from .config import taxonomy_of
from .report import warn_problem
from .specification_view import (
    ArticleLink,
    ArticlePoints,
    CourseCoverage,
    CoverageView,
    note_points,
    setup_specification_data,
    specification_pages,
    specifications_of,
)
from .views import page_view

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.util.typing import OptionSpec

POINTS_KEY = "course:spec"
NOT_TAUGHT = "Not taught yet"
NOTICE = (
    "% Generated from conf/specifications/{spec}.yaml by tools/extensions/specification.py: "
    "do not edit."
)


class specification_coverage(nodes.General, nodes.Element):
    """Placeholder for a specification's coverage (``spec``), filled at resolve time."""


def _skip(self: object, node: nodes.Element) -> None:
    raise nodes.SkipNode


class SpecificationDirective(SphinxDirective):
    """``{course-specification} <id>``: the coverage of one specification (generated pages)."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[OptionSpec] = {}

    def run(self) -> list[nodes.Node]:
        spec = self.arguments[0]
        if specifications_of(self.env).get(spec) is None:
            raise self.error(f"course-specification: no specification {spec!r}")
        return [specification_coverage(spec=spec)]


def coverage_sources(config: Config) -> dict[str, str]:
    """docname -> MyST source of each coverage page (generate.py writes them)."""
    return {
        docname: "\n".join(
            [
                NOTICE.format(spec=spec),
                "",
                f"(specification-{spec})=",
                f"# {title}",
                "",
                f"```{{course-specification}} {spec}",
                "```",
                "",
            ]
        )
        for docname, (spec, title) in specification_pages(config).items()
    }


# --- reading ---------------------------------------------------------------------------


def check_points(app: Sphinx, docname: str, source: list[str]) -> None:
    """Each ``spec`` id that names no content point (of the article's course) is a warning.

    Runs after articles.check_front_matter, which left the validated front matter.
    """
    if not is_article(docname):
        return
    meta: ArticleMeta | None = app.env.current_document.get(META_KEY)
    if meta is None or not meta.spec:
        return
    valid, problems = spec_problems(meta, specifications_of(app.env), taxonomy_of(app.env))
    for problem in problems:
        warn_problem(docname, problem, "frontmatter")
    if problems:
        app.env.current_document[PROBLEMS_KEY] = True
    app.env.current_document[POINTS_KEY] = valid


def record_points(app: Sphinx, doctree: nodes.document) -> None:
    """The article's valid ids on the environment; a coverage page is reached by links only."""
    env = app.env
    docname = env.current_document.docname
    if paths.parse_specification(docname) is not None:
        # Linked from course pages and articles, in no toctree: Sphinx's "orphan".
        env.metadata[docname]["orphan"] = True
    ids: tuple[str, ...] = env.current_document.get(POINTS_KEY) or ()
    note_points(env, docname, ids)


# --- resolving -------------------------------------------------------------------------


def _link(builder: Builder, fromdoc: str, todoc: str, text: str, anchor: str = "") -> nodes.Node:
    if builder.format != "html":
        return nodes.Text(text)
    uri = builder.get_relative_uri(fromdoc, todoc) + (f"#{anchor}" if anchor else "")
    return nodes.reference("", text, internal=True, refuri=uri)


def _articles(builder: Builder, fromdoc: str, articles: tuple[ArticleLink, ...]) -> nodes.Node:
    para = nodes.paragraph(classes=["course-spec-taught"])
    if not articles:
        para += nodes.strong(NOT_TAUGHT, NOT_TAUGHT, classes=["course-spec-gap"])
        return para
    para += nodes.Text("Taught in: ")
    for index, article in enumerate(articles):
        if index:
            para += nodes.Text(", ")
        para += _link(builder, fromdoc, article.docname, article.title)
    return para


def _section_label(view: CoverageView, section: str | None) -> str:
    board = view.label.split(" ", 1)[0]
    return f" ({board} section {section})" if section else ""


def coverage_nodes(builder: Builder, docname: str, view: CoverageView) -> list[nodes.Node]:
    """The coverage page's body: the count, where it is taught, then every point by topic."""
    out: list[nodes.Node] = []
    summary = nodes.paragraph(classes=["course-spec-summary"])
    summary += nodes.strong(f"{view.summary}.", f"{view.summary}.")
    summary += nodes.Text(f" Content points that no article teaches yet are marked “{NOT_TAUGHT}”.")
    out.append(summary)
    about = nodes.paragraph()
    about += nodes.Text(f"Specification: {view.version}. Taught in ")
    for index, course in enumerate(view.courses):
        if index:
            about += nodes.Text(" and ")
        about += _link(builder, docname, course.docname, course.title)
    about += nodes.Text(".")
    if view.url:
        about += nodes.Text(" The board's own text: ")
        about += nodes.reference("", view.url, refuri=view.url)
        about += nodes.Text(".")
    if any(t.section for t in view.topics):
        board = view.label.split(" ", 1)[0]
        note = (
            f"The numbers are this course's, in the order of {board}'s specification; "
            f"{board}'s own section number of each topic is in brackets."
        )
        out.append(nodes.paragraph(note, note))
    out.append(about)
    for topic in view.topics:
        section = nodes.section(ids=["topic-" + topic.number.replace(".", "-")])
        heading = f"{topic.number} {topic.title}{_section_label(view, topic.section)}"
        section += nodes.title(heading, heading)
        items = nodes.bullet_list(classes=["course-spec-points"])
        for point in topic.points:
            item = nodes.list_item(ids=[point.anchor])
            name = f"{point.number} {point.title}"
            head = nodes.paragraph()
            head += nodes.strong(name, name)
            item += head
            if point.items:
                covers = "Covers: " + "; ".join(point.items) + "."
                item += nodes.paragraph(covers, covers)
            item += _articles(builder, docname, point.articles)
            items += item
        section += items
        out.append(section)
    return out


def _fill_coverage(builder: Builder, doctree: nodes.document, docname: str) -> None:
    view = page_view(builder.env, docname).specification
    for node in list(doctree.findall(specification_coverage)):
        if isinstance(view, CoverageView):
            node.replace_self(coverage_nodes(builder, docname, view))
        else:
            node.parent.remove(node)


def _article_points(builder: Builder, doctree: nodes.Element, docname: str) -> None:
    """After the reading time in the article's header: "AQA 8182: 3.1.3 Memory as an active…"."""
    view = page_view(builder.env, docname).specification
    if not isinstance(view, ArticlePoints):
        return
    by_label: dict[str, list[nodes.Node]] = {}
    for point in view.points:
        name = f"{point.number} {point.title}"
        by_label.setdefault(point.label, []).append(
            _link(builder, docname, point.docname, name, point.anchor)
        )
    lines = []
    for label, links in by_label.items():
        para = nodes.paragraph(classes=["course-spec-line", "no-search"])
        para += nodes.Text(f"{label}: ")
        for index, link in enumerate(links):
            if index:
                para += nodes.Text("; ")
            para += link
        lines.append(para)
    anchor = next(
        (p for p in doctree.findall(nodes.paragraph) if "course-reading-time" in p["classes"]),
        None,
    )
    if anchor is not None:
        parent = anchor.parent
        at = parent.index(anchor) + 1
        parent[at:at] = lines


def _after_title(doctree: nodes.document, new: list[nodes.Node]) -> None:
    top = doctree.next_node(nodes.section)
    if top is None:
        doctree[0:0] = new
        return
    title = top.first_child_matching_class(nodes.title)
    at = 0 if title is None else title + 1
    top[at:at] = new


def _course_links(builder: Builder, doctree: nodes.document, docname: str) -> None:
    """A course page links to the coverage of each specification it teaches."""
    view = page_view(builder.env, docname).specification
    if not isinstance(view, CourseCoverage):
        return
    new: list[nodes.Node] = []
    for coverage in view.coverages:
        para = nodes.paragraph(classes=["course-spec-link"])
        para += nodes.Text("Exam specification: ")
        para += _link(builder, docname, coverage.docname, f"{coverage.title} coverage")
        para += nodes.Text(f" ({coverage.summary}).")
        new.append(para)
    _after_title(doctree, new)


def coverage_table(view: CoverageView) -> nodes.Node:
    """For the instructor handout: every point, and the articles that teach it, on paper."""
    section = nodes.section(ids=[f"course-spec-{view.spec}"], classes=["course-spec-coverage"])
    title = f"Specification coverage: {view.title}"
    section += nodes.title(title, title)
    section += nodes.paragraph("", f"{view.summary}. Specification: {view.version}.")
    table = nodes.table(classes=["course-coverage-table"])
    group = nodes.tgroup(cols=3)
    table += group
    for width in (1, 4, 4):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    row = nodes.row()
    for text in ("Point", "Content point", "Taught in"):
        row += nodes.entry("", nodes.paragraph(text, text))
    head += row
    group += head
    body = nodes.tbody()
    for topic in view.topics:
        row = nodes.row()
        row += nodes.entry("", nodes.paragraph("", "", nodes.strong(topic.number, topic.number)))
        row += nodes.entry(
            "", nodes.paragraph("", "", nodes.strong(topic.title, topic.title)), morecols=1
        )
        body += row
        for point in topic.points:
            row = nodes.row()
            row += nodes.entry("", nodes.paragraph(point.number, point.number))
            row += nodes.entry("", nodes.paragraph(point.title, point.title))
            taught = ", ".join(a.title for a in point.articles) or NOT_TAUGHT
            cell = nodes.paragraph(taught, taught)
            if not point.articles:
                cell = nodes.paragraph("", "", nodes.strong(taught, taught))
            row += nodes.entry("", cell)
            body += row
    group += body
    section += table
    return section


def _handout_table(builder: Builder, doctree: nodes.document, docname: str) -> None:
    """The instructor handout of a course that teaches a specification starts with its coverage."""
    if builder.config.course_edition != "instructor":
        return
    view = page_view(builder.env, docname).specification
    if isinstance(view, CourseCoverage):
        _after_title(doctree, [coverage_table(c) for c in view.coverages])


def show_specifications(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    builder = app.builder
    _fill_coverage(builder, doctree, docname)
    if builder.format == "html" or is_article(docname):
        _article_points(builder, doctree, docname)
    if builder.format == "handout":
        for part in doctree.findall(addnodes.start_of_file):
            if is_article(part["docname"]):
                _article_points(builder, part, part["docname"])
    if builder.format == "html":
        _course_links(builder, doctree, docname)
    elif builder.format == "handout":
        _handout_table(builder, doctree, docname)


def setup_specification(app: Sphinx) -> None:
    setup_specification_data(app)
    app.add_node(specification_coverage, html=(_skip, None), text=(_skip, None))
    app.add_directive("course-specification", SpecificationDirective)
    app.connect("source-read", check_points, priority=510)
    app.connect("doctree-read", record_points, priority=600)
    app.connect("doctree-resolved", show_specifications, priority=640)
