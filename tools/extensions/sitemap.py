"""sitemap.xml: every page of the site, sorted, whatever the build.

A small writer of our own, on public events only. A sitemap built from the
pages a build happens to write lists only those (an incremental build
rewrites a few; a parallel one writes them in the order workers finish), so
this one lists every document Sphinx knows (``env.found_docs``) plus the
pages the HTML builder writes itself on every run (indices, the 404 page),
minus ``sitemap_excludes``, at ``html_baseurl``.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

if TYPE_CHECKING:
    from sphinx.application import Sphinx

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

#: Pages written this run that are not documents (genindex, domain indices, 404), by app.
_EXTRA_PAGES: dict[int, set[str]] = {}


def note_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if doctree is None and pagename not in app.env.found_docs:
        _EXTRA_PAGES.setdefault(id(app), set()).add(pagename)


def sitemap_links(app: Sphinx, extra: set[str]) -> list[str]:
    """Every page's link relative to ``html_baseurl``, sorted, exclusions applied."""
    links = {app.builder.get_target_uri(page) for page in app.env.found_docs | extra}
    excludes = app.config.sitemap_excludes
    return sorted(link for link in links if not any(fnmatch.fnmatch(link, pat) for pat in excludes))


def write_sitemap(app: Sphinx, exception: BaseException | None) -> None:
    extra = _EXTRA_PAGES.pop(id(app), set())
    if exception is not None or app.builder.format != "html" or not app.config.html_baseurl:
        return
    base = app.config.html_baseurl.rstrip("/") + "/"
    root = ElementTree.Element("urlset", xmlns=SITEMAP_NS)
    for link in sitemap_links(app, extra):
        url = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(url, "loc").text = base + link
    ElementTree.ElementTree(root).write(
        Path(app.outdir) / "sitemap.xml", xml_declaration=True, encoding="utf-8", method="xml"
    )


def setup_sitemap(app: Sphinx) -> None:
    app.add_config_value(
        "sitemap_excludes",
        [],
        "",
        types=frozenset({list}),
        description="Glob patterns of page links left out of sitemap.xml.",
    )
    app.connect("html-page-context", note_page)
    app.connect("build-finished", write_sitemap)
