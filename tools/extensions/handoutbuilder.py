"""The ``handout`` builder: one print-ready HTML document per handout and edition.

Based on Sphinx's single-page HTML builder: a handout's pages (a course's
categories and their articles, one category, or one article) are inlined
into one doctree and written as one HTML file, which WeasyPrint prints as a
tagged PDF (tools/outputs/pdfbuild.py). The builder's *format* is
``handout``, not ``html``, so what is decided by format elsewhere applies as
for paper: questions.py keeps answers and notes by edition, listings are
drawn for print, the site's scripts, styles, term tooltips and output scan
stay out. Nodes are translated by their HTML visitors (copied from the
``html`` handlers), except: a question gets ruled answer space in the
student edition, sized by its marks; answers and teaching notes print as
labelled blocks (the site hides the one in a dropdown and never shows the
other); maths prints as SVG drawn at build time (handoutmath.py; WeasyPrint
does not lay out MathML), or as its TeX source where mathtext cannot draw it.

The document is written here, not through the theme: a title page (site
address, licence, build date and version), a contents list where there is
something to list, the pages, and metadata that WeasyPrint turns into the
PDF's Title, Author, Subject, Keywords and language.
"""

from __future__ import annotations

import datetime
import html
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.util import logging
from sphinx.util.nodes import inline_all_toctrees
from sphinx.writers.html5 import HTML5Translator

from . import handoutmath
from .config import taxonomy_for
from .handouts import Handout, handout_documents
from .reader import attribution_text

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

CSS = Path(__file__).with_name("static") / "handout.css"
#: Written beside the HTML files: what pdfbuild.py prints, with the metadata.
MANIFEST = "handouts.json"
#: Answer lines for a question without a tariff, and per mark of one that has.
DEFAULT_LINES = 4
LINES_PER_MARK = 2


def answer_lines(marks: object) -> int:
    """Lines of answer space a question's tariff (``marks``) earns."""
    try:
        count = int(str(marks))
    except ValueError:
        return DEFAULT_LINES
    return max(2, min(count * LINES_PER_MARK, 30))


class HandoutTranslator(HTML5Translator):
    """HTML for print: maths as SVG images with alt text (WeasyPrint does not lay out MathML)."""

    def visit_math(self, node: nodes.math, math_env: str = "") -> None:
        handoutmath.visit_math(self, node)

    def visit_math_block(self, node: nodes.math_block, math_env: str = "") -> None:
        self.visit_displaymath(node)  # what HTML5Translator calls; subclasses override this one

    def visit_displaymath(self, node: nodes.math_block) -> None:
        handoutmath.visit_math_block(self, node)


def depart_question_handout(self: HTML5Translator, node: nodes.Element) -> None:
    """After a student-edition question: ruled space to answer in, sized by its marks."""
    if self.builder.config.course_edition == "student":
        lines = answer_lines(node.get("marks", ""))
        self.body.append(
            f'<div class="answer-space" style="height: {lines * 8}mm" data-lines="{lines}"></div>\n'
        )
    self.body.append("</div>\n")


def visit_answer_handout(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append(
        self.starttag(node, "div", CLASS="course-answer")
        + '<p class="course-block-label">Model answer</p>\n'
    )


def visit_note_handout(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append(
        self.starttag(node, "div", CLASS="course-teaching-note")
        + '<p class="course-block-label">Teaching note</p>\n'
    )


def depart_block_handout(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append("</div>\n")


@dataclass(frozen=True)
class Written:
    """One handout as written: its HTML file, its PDF's name, and its pages (for messages)."""

    html: str
    pdf: str
    title: str
    docnames: list[str]
    pages: list[str]  # the source file of each docname, for messages


class HandoutBuilder(SingleFileHTMLBuilder):
    name = "handout"
    format = "handout"
    epilog = "The handouts' HTML is in %(outdir)s; tools/outputs/pdfbuild.py prints them."
    default_translator_class = HandoutTranslator
    supported_image_types: ClassVar[list[str]] = [
        "image/svg+xml",
        "image/png",
        "image/gif",
        "image/jpeg",
    ]
    search = False

    def init(self) -> None:
        super().init()
        handlers = self._registry.translation_handlers
        own = dict(handlers.get("html", {}))
        if "question" in own:
            own["question"] = (own["question"][0], depart_question_handout)
        own["answer"] = (visit_answer_handout, depart_block_handout)
        own["instructor_note"] = (visit_note_handout, depart_block_handout)
        handlers[self.name] = own
        self.docnames: set[str] = set()
        self.written: list[Written] = []

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        """Pages in this handout are anchors in it; other pages are on the site."""
        if docname in self.docnames:
            return "#document-" + docname
        base = str(self.config.html_baseurl)
        if docname in self.env.all_docs and base:
            return base.rstrip("/") + "/" + docname + ".html"
        return docname + self.out_suffix

    def write_documents(self, _docnames: Set[str]) -> None:
        self.prepare_writing(self.env.all_docs.keys())
        taxonomy = taxonomy_for(self.config)
        for handout in handout_documents(
            taxonomy, self.config.course_handout, self.config.course_edition, self.env
        ):
            self.write_handout(handout)

    def assemble(self, start: str) -> nodes.document:
        tree = self.env.get_doctree(start)
        tree = inline_all_toctrees(self, set(), start, tree, lambda s: s, [start])
        tree["docname"] = start
        self.docnames = {start} | {str(n["docname"]) for n in tree.findall(addnodes.start_of_file)}
        self.env.resolve_references(tree, start, self)
        return tree

    def write_handout(self, handout: Handout) -> None:
        tree = self.assemble(handout.start)
        contents = self.contents(tree)
        first = tree.next_node(nodes.section)
        if first is not None and isinstance(first[0], nodes.title):
            first.remove(first[0])  # the title page carries the title
        self.imgpath = self.imagedir
        self.post_process_images(tree)
        tree.settings = self.docsettings
        self.secnumbers, self.fignumbers = {}, {}
        self.current_docname = handout.start
        visitor: HTML5Translator = self.create_translator(tree, self)  # type: ignore[assignment]
        tree.walkabout(visitor)
        body = "".join(visitor.fragment)
        name = f"{handout.name}.html"
        (self.outdir / name).write_text(self.document(handout, contents, body), encoding="utf-8")
        docnames = [handout.start, *sorted(self.docnames - {handout.start})]
        files = [self.env.doc2path(d).relative_to(self.srcdir.parent) for d in docnames]
        self.written.append(
            Written(name, f"{handout.name}.pdf", handout.title, docnames, [str(f) for f in files])
        )

    def contents(self, tree: nodes.document) -> str:
        """A nested list of the handout's pages (categories, then their articles)."""

        def entries(node: nodes.Element) -> str:
            items = []
            holder = None if node is tree else node
            for child in node.findall(addnodes.start_of_file, include_self=False):
                if _parent_file(child) is not holder:
                    continue
                docname = str(child["docname"])
                title = self.env.titles[docname].astext()
                inner = entries(child)
                items.append(
                    f'<li><a href="#document-{html.escape(docname)}">{html.escape(title)}</a>'
                    f"{inner}</li>"
                )
            return f"<ol>{''.join(items)}</ol>" if items else ""

        listing = entries(tree)
        if not listing or len(self.docnames) < 3:
            return ""  # one page (or a category of one): nothing to find
        return f'<nav class="contents" aria-label="Contents"><h2>Contents</h2>{listing}</nav>'

    def document(self, handout: Handout, contents: str, body: str) -> str:
        config = self.config
        esc = html.escape
        built = datetime.date.today().isoformat()
        version = config.course_build_version or "unversioned"
        site = config.html_baseurl
        statement = f"{site.rstrip('/')}/accessibility.html"
        site_line = (
            f'<p class="handout-site">Online: <a href="{esc(site)}">{esc(site)}</a></p>\n'
            f'<p class="handout-accessibility">Accessibility statement, other formats and how '
            f'to report a problem: <a href="{esc(statement)}">{esc(statement)}</a></p>'
            if site
            else ""
        )
        return f"""<!DOCTYPE html>
<html lang="{esc(config.handout_language)}">
<head>
<meta charset="utf-8">
<title>{esc(handout.title)}</title>
<meta name="author" content="{esc(config.project)}">
<meta name="description" content="{esc(handout.subject)}">
<meta name="keywords" content="{esc(", ".join(handout.keywords))}">
<meta name="dcterms.created" content="{built}">
<link rel="stylesheet" href="_static/handout.css">
</head>
<body class="handout edition-{esc(config.course_edition)} kind-{esc(handout.kind)}">
<section class="title-page">
<p class="handout-kicker">{esc(handout.subtitle)}</p>
<h1>{esc(handout.title)}</h1>
{site_line}
<p class="handout-licence">{esc(attribution_text(config))}</p>
<p class="handout-version">Built {built}, version {esc(version)}.</p>
</section>
{contents}
<main>
{body}
</main>
</body>
</html>
"""

    def write_doc_serialized(self, docname: str, doctree: nodes.document) -> None:
        """Nothing per page: images are collected per handout, there is no search index."""

    def finish(self) -> None:
        self.copy_image_files()
        static = self.outdir / "_static"
        static.mkdir(exist_ok=True)
        shutil.copyfile(CSS, static / CSS.name)
        manifest = self.outdir / MANIFEST
        manifest.write_text(
            json.dumps([asdict(w) for w in self.written], indent=1), encoding="utf-8"
        )


def _parent_file(node: nodes.Node) -> nodes.Node | None:
    parent = node.parent
    while parent is not None and not isinstance(parent, addnodes.start_of_file):
        parent = parent.parent
    return parent


def setup_handout_builder(app: Sphinx) -> None:
    app.add_config_value(
        "course_build_version",
        "",
        "",
        types=frozenset({str}),
        description="The version printed on a handout's title page (pdfbuild.py passes the commit).",
    )
    app.add_config_value(
        "course_licence",
        "CC BY 4.0",
        "",
        types=frozenset({str}),
        description="The licence of the course content, printed on a handout's title page.",
    )
    app.add_config_value(
        "handout_language",
        "en-GB",
        "",
        types=frozenset({str}),
        description="The handouts' language (the PDF's /Lang, for screen readers).",
    )
    app.add_builder(HandoutBuilder)
