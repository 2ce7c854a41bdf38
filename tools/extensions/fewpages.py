"""A rebuild that reads a few pages reads them in this process, not in forked workers.

With ``-j`` (``make html`` passes the cores + 1) Sphinx reads in forked
workers however few pages changed, and each worker sends the whole
environment back pickled for the main process to load and merge: at 1,000
articles that is half a second, for a page that takes a few hundredths to
read. So when fewer pages are to be read than :func:`worth_forking` asks for,
this build reads them serially; writing, and any later build, stays
parallel. The pages are the same either way (tests/test_build_modes.py:
serial, parallel and incremental builds equal a fresh one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Below this many pages to read there is nothing to share out between workers...
FEWEST_TO_FORK = 3
#: ...and below this share of the site a worker costs more than it saves: it pickles the
#: whole environment back (about half a millisecond a page), and a page takes a few
#: hundredths of a second to read.
SHARE_TO_FORK = 0.025

#: The parallelism a build asked for, while its few pages are read serially.
_ASKED: WeakKeyDictionary[Sphinx, int] = WeakKeyDictionary()


def worth_forking(to_read: int, pages: int) -> bool:
    """Whether reading *to_read* of *pages* pages in workers saves time."""
    return to_read >= max(FEWEST_TO_FORK, SHARE_TO_FORK * pages)


def _before_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if app.parallel > 1 and not worth_forking(len(docnames), len(env.found_docs)):
        _ASKED[app] = app.parallel
        app.parallel = 1


def _after_reading(app: Sphinx, env: BuildEnvironment) -> list[str]:
    asked = _ASKED.pop(app, None)
    if asked is not None:
        app.parallel = asked
    return []


def setup_fewpages(app: Sphinx) -> None:
    # Last, so any handler that adds pages to read has done so.
    app.connect("env-before-read-docs", _before_reading, priority=900)
    app.connect("env-updated", _after_reading, priority=100)
