"""sitemap.xml lists every page, in the same order, whatever the build.

sphinx-sitemap records a link as each page is written, so an incremental
build's sitemap lists only the pages that build rewrote (an open upstream
bug, jdillard/sphinx-sitemap#13), and a parallel build lists them in the
order the workers finished. Just before it writes the file, record every
page through its own link function (so its settings and exclusions apply)
and hand it the links sorted, once each.
"""

from __future__ import annotations

import queue
from typing import TYPE_CHECKING, Any

from sphinx_sitemap import add_html_link

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def complete_sitemap(app: Sphinx, exception: BaseException | None) -> None:
    links: Any = getattr(app, "sitemap_links", None)  # set by sphinx-sitemap for HTML builds
    if exception is not None or links is None or app.builder.format != "html":
        return
    for docname in app.env.found_docs:
        add_html_link(app, docname, None, {}, None)
    entries: dict[str, str | None] = {}
    while True:
        try:
            link, lastmod = links.get_nowait()
        except queue.Empty:
            break
        entries.setdefault(link, lastmod)
    for link in sorted(entries):
        links.put((link, entries[link]))


def setup_sitemap(app: Sphinx) -> None:
    # Before sphinx-sitemap's own build-finished handler (priority 500) writes the file.
    app.connect("build-finished", complete_sitemap, priority=400)
