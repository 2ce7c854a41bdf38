"""When the garbage collector runs during a build.

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
- at exit everything is frozen: the interpreter need not collect a graph
  that is about to vanish (half a second for a no-change rebuild).

``build-finished`` restores the thresholds and unfreezes, so a long-lived
process (the test suite) still reclaims one build's objects.
"""

from __future__ import annotations

import atexit
import gc
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: Allocations between young collections during a build (CPython's default: 700).
YOUNG_THRESHOLD = 10_000


class _Schedule:
    """The process-wide collector state a build changes, and how to undo it."""

    def __init__(self) -> None:
        self.saved: tuple[int, int, int] | None = None
        self.hooked = False

    def start(self) -> None:
        if self.saved is None:
            self.saved = gc.get_threshold()
        gc.set_threshold(YOUNG_THRESHOLD, *self.saved[1:])
        gc.disable()
        if not self.hooked:
            os.register_at_fork(after_in_child=self._in_child)
            atexit.register(gc.freeze)
            self.hooked = True

    def loaded(self) -> None:
        gc.freeze()
        gc.enable()

    def finish(self) -> None:
        if self.saved is not None:
            gc.set_threshold(*self.saved)
            self.saved = None
        gc.unfreeze()
        gc.enable()

    def _in_child(self) -> None:
        if self.saved is not None:
            gc.freeze()


_schedule = _Schedule()


def _config_inited(app: Sphinx, config: Config) -> None:
    _schedule.start()


def _builder_inited(app: Sphinx) -> None:
    _schedule.loaded()


def _build_finished(app: Sphinx, exception: BaseException | None) -> None:
    _schedule.finish()


def setup_gcpolicy(app: Sphinx) -> None:
    # Last of the config-inited handlers, first of the builder-inited ones:
    # the collector is off exactly while the environment is unpickled.
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("builder-inited", _builder_inited, priority=100)
    app.connect("build-finished", _build_finished, priority=900)
