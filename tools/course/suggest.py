"""Near-miss suggestions, so a mistyped slug gets a 'did you mean' instead of a shrug."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_KEY = re.compile(r"([^\d]*)(.*)")


def nearest(word: str, choices: Iterable[str], *, limit: int = 3) -> list[str]:
    """The closest choices to *word*, best first (empty when nothing is close)."""
    return difflib.get_close_matches(word, list(choices), n=limit, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ready-to-append hint such as ``; did you mean 'memory'?`` (or '')."""
    close = nearest(word, choices)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


def nearest_citation(key: str, keys: Iterable[str]) -> list[str]:
    """Citation keys that look like a typo of *key* (same author, nearly; any year).

    A key is an author's name and a year, so a shared year says nothing:
    ``craik1972`` is not ``janis1972``. Only keys whose name part is within a
    typo or two of this one's (and close overall) are offered.
    """
    name = _name(key)
    return [
        k
        for k in nearest(key, keys)
        if difflib.SequenceMatcher(None, name, _name(k)).ratio() >= 0.8
    ]


def _name(key: str) -> str:
    match = _KEY.match(key.casefold())
    return match.group(1) if match else key
