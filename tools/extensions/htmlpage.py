"""What an HTML page adds for readers: its stylesheet, search, sharing and page links.

- Articles get search index entries for their title and keywords, so the
  words students type find the article before pages that merely mention it.
- Articles and generated pages get a description for link previews
  (sphinxext-opengraph) from their summary or taxonomy description.
- Previous / next links stay within the page's course.
- Generated pages have no "edit this page" link (there is no file to edit).
- ``{course-search}`` puts a search form in a page (the home page).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.html5 import HTML5Translator

from tools.course import paths

from .domain import CourseDomain
from .views import page_description, page_view

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import OptionSpec

STATIC = Path(__file__).with_name("static")
SCORER = Path(__file__).with_name("scorer.js")


class search_box(nodes.General, nodes.Element):
    """A search form (HTML only)."""


class CourseSearchDirective(SphinxDirective):
    option_spec: ClassVar[OptionSpec] = {}

    def run(self) -> list[nodes.Node]:
        node = search_box()
        self.set_source_info(node)
        return [node]


def visit_search_box_html(self: HTML5Translator, node: search_box) -> None:
    action = self.builder.get_relative_uri(self.builder.current_docname, "search")
    self.body.append(
        self.starttag(
            node, "form", "", CLASS="course-search", action=action, method="get", role="search"
        )
        + '<label for="course-search-input">Search the course</label>'
        '<input id="course-search-input" type="search" name="q" '
        'placeholder="for example: conformity, Piaget, memory" autocomplete="off">'
        '<button type="submit">Search</button></form>'
    )
    raise nodes.SkipNode


def visit_citation_html(self: HTML5Translator, node: nodes.citation) -> None:
    """docutils marks reference-list entries ``doc-biblioentry``, a role DPUB-ARIA 1.1
    deprecated; inside ``role="list"`` assistive technology expects list items."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def _skip(self: object, node: nodes.Element) -> None:
    raise nodes.SkipNode


def add_search_entries(app: Sphinx, doctree: nodes.document) -> None:
    """Main index entries for an article's title and keywords (Sphinx search ranks them first)."""
    env = app.env
    docname = env.current_document.docname
    domain = env.domains["course"]
    assert isinstance(domain, CourseDomain)
    record = domain.articles.get(docname)
    section = next(iter(doctree.findall(nodes.section)), None)
    if record is None or section is None:
        return
    words = [record.title, *record.keywords]
    # No anchor: the entry leads to the page itself, so search shows the
    # article once (its title hit and its index hits merge into one result).
    entries = [("single", word, "", "main", None) for word in dict.fromkeys(words)]
    index = addnodes.index(entries=entries, inline=False)
    section.insert(1, index)


def describe_page(app: Sphinx, doctree: nodes.document) -> None:
    """Link previews describe a page by its summary (articles) or taxonomy description."""
    env = app.env
    docname = env.current_document.docname
    description = page_description(env, docname)
    if description:
        env.metadata[docname]["og:description"] = description


def adjust_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if doctree is None:
        return
    view = page_view(app.env, pagename)
    for key, neighbour in zip(("prev", "next"), view.neighbours, strict=True):
        if neighbour is None:
            context[key] = None
        else:  # the theme prints the title as HTML
            uri = app.builder.get_relative_uri(pagename, neighbour.docname)
            context[key] = {"link": uri, "title": html.escape(neighbour.title)}
    if paths.parse_generated(pagename) or pagename.startswith(paths.GENERATED_DIR + "/"):
        context["page_source_suffix"] = ""  # no "edit this page": the page is generated
    description = view.description
    if description:
        context["metatags"] = context.get("metatags", "") + (
            f'\n<meta name="description" content="{html.escape(description)}">'
        )


def use_course_scorer(app: Sphinx, config: Config) -> None:
    """Rank articles first in search (see scorer.js), unless conf.py names its own scorer."""
    if not config.html_search_scorer:
        config.html_search_scorer = str(SCORER)


def add_static(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.config.html_static_path = [*app.config.html_static_path, str(STATIC)]
        app.add_css_file("course.css")
        app.add_css_file("print.css", priority=900)  # last: it overrides the others on paper
        app.add_js_file("course.js", defer="defer")


def setup_htmlpage(app: Sphinx) -> None:
    app.add_node(
        search_box, html=(visit_search_box_html, None), latex=(_skip, None), text=(_skip, None)
    )
    app.add_directive("course-search", CourseSearchDirective)
    app.add_node(
        nodes.citation, override=True, html=(visit_citation_html, HTML5Translator.depart_citation)
    )
    app.connect("config-inited", use_course_scorer)
    app.connect("builder-inited", add_static)
    app.connect("doctree-read", add_search_entries, priority=600)
    app.connect("doctree-read", describe_page, priority=600)
    app.connect("html-page-context", adjust_page_context, priority=400)
