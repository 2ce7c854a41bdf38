"""When the garbage collector runs during a build: a policy of the build command.

A build is a batch job over one large object graph that lives until the end
(the environment: about 400,000 objects at 1,000 articles) and a stream of
short-lived doctrees. With CPython's default thresholds the collector rescans
that graph over and over: at 1,000 articles it took half the time of a
category-edit rebuild and a third to a half of a full build (measured with
``gc.callbacks``; ARCHITECTURE.md, "Performance"). As mypy does for its
builds, the collector is scheduled for the job:

- the pickled environment is loaded with the collector off (``config-inited``
  is the last event before Sphinx unpickles it) and frozen once loaded
  (``builder-inited``): it is all live data;
- young collections run after 10,000 allocations instead of 700;
- a forked worker (parallel read or write) freezes what it inherits, as the
  ``gc.freeze`` documentation advises for fork without exec: it neither
  rescans nor copies the parent's pages;
- when the command ends everything is frozen: the interpreter need not
  collect a graph that is about to vanish (half a second for a no-change
  rebuild).

The collector is process-wide, so the policy is not the extension's to set
whenever it is loaded (in the test suite or ``sphinx-autobuild``). It holds
only inside :func:`collector_policy`, which the build command opens
(``python -m tools.extensions``, what ``make html`` and ``make bench`` run:
``__main__.py``);
elsewhere the event handlers do nothing. Leaving the block restores the
collector as it was, however the build ended, even when Sphinx fails before
``builder-inited``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tools.extensions.forkhook import ChildHook

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: Allocations between young collections during a build (CPython's default: 700).
YOUNG_THRESHOLD = 10_000


#: Forked workers freeze what they inherit, while a build command's policy is open.
_FORKED = ChildHook(gc.freeze)


@contextmanager
def collector_policy() -> Iterator[None]:
    """Builds run inside follow the policy; the collector is restored on leaving."""
    saved = gc.get_threshold()
    enabled = gc.isenabled()
    gc.set_threshold(YOUNG_THRESHOLD, *saved[1:])
    try:
        with _FORKED.opened():
            yield
    finally:
        gc.set_threshold(*saved)
        gc.unfreeze()
        if enabled:
            gc.enable()


def _config_inited(app: Sphinx, config: Config) -> None:
    if _FORKED.active:
        gc.disable()


def _builder_inited(app: Sphinx) -> None:
    if _FORKED.active:
        gc.freeze()
        gc.enable()


def setup_gcpolicy(app: Sphinx) -> None:
    # Last of the config-inited handlers, first of the builder-inited ones:
    # the collector is off exactly while the environment is unpickled.
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("builder-inited", _builder_inited, priority=0)
