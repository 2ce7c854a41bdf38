"""Forked workers give way to the main process: a scheduling policy of the build command.

In a parallel write, Sphinx's main process resolves every page (post-transforms,
``doctree-resolved``, the search index feed) and hands batches to forked
workers that translate them; the workers wait on the main process, never the
other way round. ``make html`` runs one job more than there are cores, so the
main process and two workers shared two cores and the main process, which
everything waits on, got about two-thirds of one. Workers now run at a lower
priority (niceness +10): they take whatever the main process leaves. On the
bench's 1,000-article corpus (``-j 3``, two cores) the write phase took
11-12 s against 14-15 s, the whole build 30.5 s against 35.5-36.5 s. A
serial build forks no workers and is unchanged.

Like the collector policy (gcpolicy.py) it holds only inside the build
command (``python -m tools.extensions``: ``make html``, ``make bench``); a
process that merely loads the extension (the tests, sphinx-autobuild) keeps
its own scheduling.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from tools.extensions.forkhook import ChildHook

#: How much lower a forked worker's priority is than the build's (0 to 19).
WORKER_NICENESS = 10


def _lower_priority() -> None:
    os.nice(WORKER_NICENESS)


_FORKED = ChildHook(_lower_priority)


@contextmanager
def worker_priority() -> Iterator[None]:
    """Processes forked inside run at a lower priority than this one."""
    with _FORKED.opened():
        yield
