"""What the build command's policies do in each process Sphinx forks, while they are open.

``os.register_at_fork`` cannot be undone, so a hook is registered once and
does nothing while its policy is closed: a process that only loads the
extension (the tests, sphinx-autobuild) forks as Python would.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class ChildHook:
    """*action* run in every child forked while :meth:`opened` is open."""

    def __init__(self, action: Callable[[], object]) -> None:
        self.action = action
        self.active = False
        self._registered = False

    def _in_child(self) -> None:
        if self.active:
            self.action()

    @contextmanager
    def opened(self) -> Iterator[None]:
        if not self._registered:
            os.register_at_fork(after_in_child=self._in_child)
            self._registered = True
        self.active = True
        try:
            yield
        finally:
            self.active = False
