"""Forked workers run below the build command's priority, and only inside its policy."""

from __future__ import annotations

import multiprocessing
import os

from tools.extensions.workerpriority import WORKER_NICENESS, worker_priority


def _forked_niceness() -> int:
    """The niceness of a process forked now (as Sphinx forks its readers and writers)."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return int(pool.apply(os.nice, (0,)))


def test_workers_forked_inside_the_policy_give_way_to_the_build() -> None:
    own = os.nice(0)
    assert _forked_niceness() == own
    with worker_priority():
        assert _forked_niceness() == min(19, own + WORKER_NICENESS)
        assert os.nice(0) == own  # the build itself keeps its priority
    assert _forked_niceness() == own  # undone: the hook does nothing outside
