"""What a reader meets around the articles: licence and attribution, glossary
tools, the 404 page, tap-to-define and diagrams on small screens.

The page furniture is a small override of furo's ``page.html`` (in
``templates/``, which only adds to the footer), and the behaviour lives in
``_static/reader.js`` and ``reader.css``: files, never inline scripts, so the
Content-Security-Policy and the output scan (outputscan.py) hold.
"""

from __future__ import annotations

import html
import string
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.writers.html5 import HTML5Translator

TEMPLATES = Path(__file__).with_name("templates")
#: The deed of the content licence named by ``course_licence`` (pyproject.toml: CC-BY-4.0).
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def attribution_html(config: Config) -> str:
    """The attribution a reuser copies: title, author, source and licence (TASL), linked."""
    esc = html.escape
    site = str(config.html_baseurl)
    title = f'<a href="{esc(site)}">{esc(config.project)}</a>' if site else esc(config.project)
    return (
        f"{title} by {esc(config.author)} is licensed under "
        f'<a rel="license" href="{esc(config.course_licence_url)}">'
        f"{esc(config.course_licence)}</a>."
    )


def attribution_text(config: Config) -> str:
    """The same attribution as plain words with its addresses, for paper."""
    site = str(config.html_baseurl)
    where = f" ({site})" if site else ""
    return (
        f"{config.project}{where} by {config.author} is licensed under "
        f"{config.course_licence} ({config.course_licence_url})."
    )


def add_templates(app: Sphinx, config: Config) -> None:
    config.templates_path = [*config.templates_path, str(TEMPLATES)]


def add_static(app: Sphinx) -> None:
    """reader.js and reader.css live in _static (htmlpage.py adds the folder)."""
    if app.builder.format == "html":
        app.add_css_file("reader.css")
        app.add_js_file("reader.js", defer="defer")


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    context["course_attribution"] = attribution_html(app.config)


#: The 404 page's words. Its links are absolute (it is served at any missing
#: address, at any depth), built from ``notfound_urls_prefix`` (conf.py derives
#: it from the site address: "/" at a domain's root, "/course/" under a path).
NOT_FOUND_BODY = (
    "<h1>Page not found</h1>"
    "<p>This page does not exist, or has moved. Start again from "
    '<a href="{home}">the home page</a>, or <a href="{search}">search</a> the course:</p>'
    '<form class="course-search course-notfound-search" action="{search}" method="get" '
    'role="search"><label for="course-notfound-q">Search the course</label>'
    '<input id="course-notfound-q" type="search" name="q" autocomplete="off">'
    '<button type="submit">Search</button></form>'
)


def not_found_page(app: Sphinx, config: Config) -> None:
    """The 404 page of sphinx-notfound-page, when it is loaded, with working links."""
    if "notfound_urls_prefix" not in config:
        return
    prefix = str(config.notfound_urls_prefix or "/")
    prefix = prefix if prefix.endswith("/") else prefix + "/"
    body = NOT_FOUND_BODY.format(
        home=html.escape(prefix), search=html.escape(prefix + "search.html")
    )
    config.notfound_context = {"title": "Page not found", "body": body}


class glossary_nav(nodes.General, nodes.TextElement):
    """The A–Z bar above a glossary: a letter links to its first term."""


def _initial(term: str) -> str:
    letter = unicodedata.normalize("NFKD", term.strip())[:1].upper()
    return letter if letter in string.ascii_uppercase else "#"


def add_glossary_nav(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put an A–Z bar before each glossary; letters without terms are shown, not linked."""
    if app.builder.format != "html":
        return
    for glossary in list(doctree.findall(addnodes.glossary)):
        first: dict[str, str] = {}
        for term in glossary.findall(nodes.term):
            if term["ids"]:
                first.setdefault(_initial(term.astext()), term["ids"][0])
        if not first:
            continue
        bar = glossary_nav()
        for letter in [*string.ascii_uppercase, *(["#"] if "#" in first else [])]:
            if letter in first:
                bar += nodes.reference(letter, letter, refid=first[letter])
            else:
                bar += nodes.inline(letter, letter, classes=["course-glossary-none"])
        glossary.parent.insert(glossary.parent.index(glossary), bar)


def visit_glossary_nav_html(self: HTML5Translator, node: glossary_nav) -> None:
    self.body.append('<nav class="course-glossary-nav" aria-label="Glossary: jump to a letter">')


def depart_glossary_nav_html(self: HTML5Translator, node: glossary_nav) -> None:
    self.body.append("</nav>")


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def setup_reader(app: Sphinx) -> None:
    app.add_node(
        glossary_nav,
        html=(visit_glossary_nav_html, depart_glossary_nav_html),
        latex=(_skip, None),
        text=(_skip, None),
    )
    app.connect("doctree-resolved", add_glossary_nav)
    app.add_config_value(
        "course_licence_url",
        LICENCE_URL,
        "html",
        types=frozenset({str}),
        description="The licence deed linked from every page footer and handout title page.",
    )
    app.connect("config-inited", add_templates)
    app.connect("config-inited", not_found_page)
    app.connect("builder-inited", add_static)
    app.connect("html-page-context", page_context)
