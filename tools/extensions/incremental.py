"""Which pages to rewrite when other pages change.

Every page shows data from other pages; views.py computes it once per build
as one :class:`~.views.PageView` per page, and the renderers draw from that
view. Here each view is digested and compared with the digest stored when
the page was last written; ``env-get-updated`` names the pages whose digest
changed. Since the digest and the rendering read the same data, a page is
rewritten exactly when what it shows has changed, whatever the cause (an
edited article, glossary entry or bibliography entry, an added or a deleted
page), and a feature added to the view is covered without a second list.

A build that read and removed no page has the environment it pickled last
time, so its views are those digested then: unless the files views read from
outside the environment changed (:func:`~.views.outside_inputs`), nothing is
computed and no page is named. At 10,000 pages, computing every view is most
of a no-change rebuild.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from .domain import course_domain
from .views import PageView, outside_inputs, page_view

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def digest(view: PageView) -> str:
    """A stable digest of plain data. Not pickle: its bytes depend on which equal
    strings happen to be the same object, so equal data could digest differently."""
    return hashlib.sha256(repr(view).encode("utf-8")).hexdigest()


#: Per environment: whether the build under way has read or removed a page.
_TOUCHED: WeakKeyDictionary[BuildEnvironment, bool] = WeakKeyDictionary()


def _note_removed(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    _TOUCHED[env] = bool(removed)
    return []


def _note_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    _TOUCHED[env] = _TOUCHED.get(env, True) or bool(docnames)


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    domain = course_domain(env)
    # Kept per builder: a LaTeX build on the same environment must not mark
    # the HTML pages as up to date.
    name = app.builder.name
    previous: dict[str, str] = domain.data["views"].get(name, {})
    outside = outside_inputs(env)
    unchanged = not _TOUCHED.pop(env, True) and domain.data["views_outside"].get(name) == outside
    if unchanged and previous.keys() == env.found_docs:
        return []
    current = {doc: digest(page_view(env, doc)) for doc in sorted(env.found_docs)}
    domain.data["views"][name] = current
    domain.data["views_outside"][name] = outside
    return [doc for doc, value in current.items() if previous.get(doc) != value]


def setup_incremental(app: Sphinx) -> None:
    app.connect("env-get-outdated", _note_removed)
    app.connect("env-before-read-docs", _note_read)
    app.connect("env-get-updated", pages_to_rewrite)
