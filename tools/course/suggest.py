"""Near-miss suggestions, so a mistyped slug gets a 'did you mean' instead of a shrug."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(word: str, choices: Iterable[str], *, limit: int = 3) -> list[str]:
    """The closest choices to *word*, best first (empty when nothing is close)."""
    return difflib.get_close_matches(word, list(choices), n=limit, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ready-to-append hint such as ``; did you mean 'memory'?`` (or '')."""
    close = nearest(word, choices)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
