"""Prerequisites on the page: "Before you start", the course map and course order.

An article that lists ``prerequisites`` opens with links to them (course
domain cross-references, so their titles stay current); a course page shows
its articles in course order as a graphviz diagram with alt text and a text
list beside it; previous/next between articles follow course order
(Catalog.in_course). What a page shows of other pages comes from its view
(views.py: ``prerequisites``, ``course_map``, ``neighbours``), which the
incremental build digests.
"""

from __future__ import annotations

import dataclasses
import html
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.ext.graphviz import graphviz
from sphinx.util.osutil import relative_uri

from tools.course.frontmatter import ArticleMeta, is_article

from .articles import META_KEY
from .domain import course_domain
from .views import CourseMap, downloads_of, page_view

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

BEFORE_YOU_START = "Before you start"


def before_you_start(app: Sphinx, doctree: nodes.document) -> None:
    """Links to the articles this one builds on, just after the title and header.

    Runs before articles.record_article, which notes the page's course links
    (so the prerequisites count as links) and puts the header above this box.
    """
    docname = app.env.current_document.docname
    meta: ArticleMeta | None = app.env.current_document.get(META_KEY)
    if not is_article(docname) or meta is None or not meta.prerequisites:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    box = nodes.admonition(classes=["course-prerequisites", "note"])
    box += nodes.title(BEFORE_YOU_START, BEFORE_YOU_START)
    box += nodes.paragraph("", "This article builds on:")
    items = nodes.bullet_list()
    for slug in meta.prerequisites:
        xref = addnodes.pending_xref(
            "",
            nodes.inline(slug, slug),
            refdomain="course",
            reftype="article",
            reftarget=slug,
            refexplicit=False,
            refwarn=True,
        )
        xref.source, xref.line = doctree.get("source"), meta.line_of("prerequisites")
        para = nodes.paragraph()
        para += xref
        item = nodes.list_item()
        item += para
        items += item
    box += items
    title_index = section.first_child_matching_class(nodes.title)
    at = 0 if title_index is None else title_index + 1
    section.insert(at, box)


def record_order(app: Sphinx, doctree: nodes.document) -> None:
    """Add prerequisites and ``order`` to the article's record (after record_article made it)."""
    docname = app.env.current_document.docname
    meta: ArticleMeta | None = app.env.current_document.get(META_KEY)
    domain = course_domain(app.env)
    record = domain.articles.get(docname)
    if record is None or meta is None:
        return
    domain.note_article(
        dataclasses.replace(record, prerequisites=meta.prerequisites, order=meta.order)
    )


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def course_map_dot(course_map: CourseMap) -> str:
    """The map as DOT, with attributes from the guard's allowlist only."""
    ids = {slug: f"a{i}" for i, (slug, _link) in enumerate(course_map.articles)}
    lines = [
        "digraph coursemap {",
        'rankdir="TB";',
        'node [shape="box", style="rounded", fontsize="11"];',
    ]
    lines += [f"{ids[slug]} [label={_quoted(link.title)}];" for slug, link in course_map.articles]
    lines += [f"{ids[a]} -> {ids[b]};" for a, b in course_map.edges]
    lines.append("}")
    return "\n".join(lines)


def course_map_alt(course_map: CourseMap) -> str:
    """What the diagram shows, in words: each article and what it builds on."""
    titles = {slug: link.title for slug, link in course_map.articles}
    parts = [f"Course map of {len(course_map.articles)} articles in course order."]
    for slug, link in course_map.articles:
        before = [titles[a] for a, b in course_map.edges if b == slug]
        if before:
            parts.append(f"{link.title} builds on {', '.join(before)}.")
    return " ".join(parts)


def add_course_map(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """On a course page of the site: the diagram and, beside it, the same as a list."""
    if app.builder.format != "html":
        return
    course_map = page_view(app.env, docname).course_map
    if course_map is None or not course_map.articles:
        return
    titles = {slug: link.title for slug, link in course_map.articles}
    section = nodes.section(ids=["course-map"], classes=["course-map"])
    section += nodes.title("Course map", "Course map")
    section += nodes.paragraph(
        "", "The course's articles in the order to read them; each lists what it builds on."
    )
    row = nodes.container(classes=["course-coursemap"])
    if course_map.edges:
        diagram = graphviz()
        diagram["code"] = course_map_dot(course_map)
        diagram["options"] = {"docname": docname}
        diagram["alt"] = course_map_alt(course_map)
        diagram["classes"] = ["course-map-diagram"]
        figure = nodes.container(classes=["course-map-figure"])
        figure += diagram
        row += figure
    items = nodes.enumerated_list(classes=["course-map-list"])
    for slug, link in course_map.articles:
        para = nodes.paragraph()
        ref = nodes.reference(
            "",
            link.title,
            internal=True,
            refuri=app.builder.get_relative_uri(docname, link.docname),
        )
        para += ref
        before = [titles[a] for a, b in course_map.edges if b == slug]
        if before:
            para += nodes.Text(f" (builds on {', '.join(before)})")
        item = nodes.list_item()
        item += para
        items += item
    row += items
    section += row
    top = doctree.next_node(nodes.section)
    (top if top is not None else doctree).append(section)


def add_downloads(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A course page offers its student PDF, EPUB and Anki deck, an article page its PDF,
    when the build made them (`make site`); `make html` alone offers nothing."""
    if app.builder.format != "html":
        return
    downloads = page_view(app.env, docname).downloads
    if not downloads:
        return
    section = nodes.section(ids=["course-downloads"], classes=["course-downloads"])
    section += nodes.title("Download", "Download")
    items = nodes.bullet_list()
    here = app.builder.get_target_uri(docname)
    for download in downloads:
        uri = relative_uri(here, download.target)
        para = nodes.paragraph()
        para += nodes.reference("", download.label, refuri=uri)
        para += nodes.Text(f" ({_size(download.size)})")
        item = nodes.list_item()
        item += para
        items += item
    section += items
    top = doctree.next_node(nodes.section)
    (top if top is not None else doctree).append(section)


def copy_downloads(app: Sphinx, exception: BaseException | None) -> None:
    """Every page's downloads into the site, whether or not its page was rewritten.

    Read with the function the page views use (not the views themselves: a
    build that rewrote no page computes none). A copy already there with the
    source's size and time is left alone.
    """
    if exception is not None or app.builder.format != "html":
        return
    for docname in sorted(app.env.found_docs):
        for download in downloads_of(app.env, docname):
            target = Path(app.outdir) / download.target
            source = Path(download.path).stat()
            there = target.stat() if target.is_file() else None
            if there and (there.st_size, there.st_mtime_ns) == (source.st_size, source.st_mtime_ns):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(download.path, target)


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{max(1, size // 1000)} kB"


def course_order_links(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The theme's previous/next links between articles follow course order (the view's)."""
    if doctree is None or not is_article(pagename):
        return
    view = page_view(app.env, pagename)
    for key, link in zip(("prev", "next"), view.neighbours, strict=True):
        context[key] = (
            None
            if link is None
            else {
                "link": app.builder.get_relative_uri(pagename, link.docname),
                "title": html.escape(link.title),  # the theme prints it as markup
            }
        )


def absolute_download_folders(app: Sphinx, config: Config) -> None:
    """``course_downloads`` folders are relative to conf.py's folder."""
    config.course_downloads = [
        str((Path(app.confdir) / folder).resolve()) for folder in config.course_downloads
    ]


def setup_coursemap(app: Sphinx) -> None:
    app.add_config_value(
        "course_downloads",
        ["../build/handouts", "../build/epub", "../build/exports"],
        "env",
        types=frozenset({list}),
        description="Folders (from conf.py's) where a course's student PDF, EPUB and Anki deck "
        "and each article's PDF are looked for; those found are offered on the course and "
        "article pages (make site builds them; make html does not need them).",
    )
    app.connect("config-inited", absolute_download_folders)
    app.connect("doctree-resolved", add_downloads)
    app.connect("build-finished", copy_downloads)
    app.connect("doctree-read", before_you_start, priority=450)
    app.connect("doctree-read", record_order, priority=550)
    app.connect("doctree-resolved", add_course_map)
    app.connect("html-page-context", course_order_links, priority=450)
