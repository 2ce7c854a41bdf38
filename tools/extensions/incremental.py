"""Which pages to rewrite when other pages change.

Every page shows data from other pages; views.py computes it once per build
as one :class:`~.views.PageView` per page, and the renderers draw from that
view. Here each view is digested and compared with the digest stored when
the page was last written; ``env-get-updated`` names the pages whose digest
changed. Since the digest and the rendering read the same data, a page is
rewritten exactly when what it shows has changed, whatever the cause (an
edited article, glossary entry or bibliography entry, an added or a deleted
page), and a feature added to the view is covered without a second list.

Computing every view is most of an incremental build at 1,000 pages, so
it is done only when it may find something. A build that read and removed
no page has the environment it pickled last time: unless the files views
read from outside the environment changed (:func:`~.views.outside_inputs`),
no view is computed. A build that read some pages (an edited article, say)
computes only their views when nothing that views share across pages
changed (:func:`~.views.shared_inputs`: records, the navigation tree,
titles, glossary, citations, specification points); otherwise all of them.
``COURSE_VERIFY_VIEWS=1`` (set by the tests) computes every view whichever
way was taken and fails the build if a page's view changed where the short
way would not have looked, so an input missing from the shared digest
fails a test instead of leaving a stale page.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sphinx.errors import ExtensionError

from .domain import course_domain
from .views import PageView, outside_inputs, page_view, shared_inputs

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def digest(view: PageView) -> str:
    """A stable digest of plain data. Not pickle: its bytes depend on which equal
    strings happen to be the same object, so equal data could digest differently."""
    return hashlib.sha256(repr(view).encode("utf-8")).hexdigest()


#: Per environment: the pages the build under way has read, or None once it has removed
#: a page (or when it is not known: every view is computed then).
_READ: WeakKeyDictionary[BuildEnvironment, set[str] | None] = WeakKeyDictionary()

#: Set in the environment to compute every view anyway and check the short way agrees.
VERIFY = "COURSE_VERIFY_VIEWS"


def _note_removed(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    _READ[env] = None if removed else set()
    return []


def _note_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    read = _READ.get(env)
    if read is not None:
        read.update(docnames)


def _check(env: BuildEnvironment, found: dict[str, str], read: set[str]) -> None:
    """Fail the build if a page not read again shows something new (``COURSE_VERIFY_VIEWS``)."""
    stale = [
        doc
        for doc in sorted(env.found_docs)
        if doc not in read and digest(page_view(env, doc)) != found[doc]
    ]
    if stale:
        raise ExtensionError(
            f"the views of {', '.join(stale[:5])}{' ...' if len(stale) > 5 else ''} changed "
            "although the digest of what views share (views.shared_inputs) did not: a view "
            "reads something of other pages that shared_inputs leaves out"
        )


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    domain = course_domain(env)
    # Kept per builder: a LaTeX build on the same environment must not mark
    # the HTML pages as up to date.
    name = app.builder.name
    previous: dict[str, str] = domain.data["views"].get(name, {})
    read = _READ.pop(env, None)
    outside = outside_inputs(env)
    known = previous.keys() == env.found_docs and domain.data["views_outside"].get(name) == outside
    verify = os.environ.get(VERIFY) == "1"
    if known and read == set() and not verify:
        return []
    shared = shared_inputs(env)
    if known and read is not None and domain.data["views_shared"].get(name) == shared:
        current = dict(previous)
        current.update({doc: digest(page_view(env, doc)) for doc in sorted(read)})
        if verify:
            _check(env, current, read)
    else:
        current = {doc: digest(page_view(env, doc)) for doc in sorted(env.found_docs)}
    domain.data["views"][name] = current
    domain.data["views_outside"][name] = outside
    domain.data["views_shared"][name] = shared
    return [doc for doc, value in current.items() if previous.get(doc) != value]


def setup_incremental(app: Sphinx) -> None:
    app.connect("env-get-outdated", _note_removed)
    app.connect("env-before-read-docs", _note_read)
    app.connect("env-get-updated", pages_to_rewrite)
