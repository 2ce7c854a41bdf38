"""Which pages to rewrite when other pages change.

Every page shows data from other pages; views.py computes it once per build
as one :class:`~.views.PageView` per page, and the renderers draw from that
view. Here each view is digested and compared with the digest stored when
the page was last written; ``env-get-updated`` names the pages whose digest
changed. Since the digest and the rendering read the same data, a page is
rewritten exactly when what it shows has changed, whatever the cause (an
edited article, glossary entry or bibliography entry, an added or a deleted
page), and a feature added to the view is covered without a second list.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from .domain import course_domain
from .views import PageView, page_view

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def digest(view: PageView) -> str:
    """A stable digest of plain data. Not pickle: its bytes depend on which equal
    strings happen to be the same object, so equal data could digest differently."""
    return hashlib.sha256(repr(view).encode("utf-8")).hexdigest()


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    domain = course_domain(env)
    # Kept per builder: a LaTeX build on the same environment must not mark
    # the HTML pages as up to date.
    previous: dict[str, str] = domain.data["views"].get(app.builder.name, {})
    current = {doc: digest(page_view(env, doc)) for doc in sorted(env.found_docs)}
    domain.data["views"][app.builder.name] = current
    return [doc for doc, value in current.items() if previous.get(doc) != value]


def setup_incremental(app: Sphinx) -> None:
    app.connect("env-get-updated", pages_to_rewrite)
