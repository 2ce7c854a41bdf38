"""APA 7 reference list entries, type by type (issue 15, item 10)."""

from __future__ import annotations

import pytest
from pybtex.database import parse_string

from tools.extensions.citations import CourseAPAStyle

BIB = r"""
@article{miller1956,
  author = {Miller, George A.}, year = {1956},
  title = {The magical number seven, plus or minus two: some limits on our capacity for processing information},
  journal = {Psychological Review}, volume = {63}, number = {2}, pages = {81--97},
  doi = {10.1037/h0043158}
}
@incollection{atkinson1968,
  author = {Atkinson, Richard C. and Shiffrin, Richard M.}, year = {1968},
  title = {Human memory: a proposed system and its control processes},
  editor = {Spence, Kenneth W. and Spence, Janet T.},
  booktitle = {The psychology of learning and motivation}, volume = {2},
  pages = {89--195}, publisher = {Academic Press}
}
@book{piaget1952,
  author = {Piaget, Jean}, year = {1952}, title = {The origins of intelligence in children},
  edition = {2}, publisher = {International Universities Press}
}
@book{spence1968,
  editor = {Spence, Kenneth W. and Spence, Janet T.}, year = {1968},
  title = {The psychology of learning and motivation: advances in research and theory},
  publisher = {Academic Press}
}
@techreport{who2022,
  author = {{World Health Organization}}, year = {2022},
  title = {World mental health report: transforming mental health for all},
  type = {Report}, number = {7}, institution = {World Health Organization}
}
@misc{nhs2023,
  author = {{National Health Service}}, year = {2023},
  title = {Cognitive behavioural therapy (CBT)}, howpublished = {NHS},
  url = {https://www.nhs.uk/mental-health/talking-therapies-medicine-treatments/talking-therapies-and-counselling/cognitive-behavioural-therapy-cbt/overview/}
}
"""

EXPECTED = {
    "miller1956": "Miller, G. A. (1956). The magical number seven, plus or minus two: Some limits "
    "on our capacity for processing information. Psychological Review, 63(2), 81–97. "
    "https://doi.org/10.1037/h0043158",
    "atkinson1968": "Atkinson, R. C., & Shiffrin, R. M. (1968). Human memory: A proposed system "
    "and its control processes. In K. W. Spence & J. T. Spence (Eds.), The psychology of "
    "learning and motivation (Vol. 2, pp. 89–195). Academic Press.",
    "piaget1952": "Piaget, J. (1952). The origins of intelligence in children (2nd ed.). "
    "International Universities Press.",
    "spence1968": "Spence, K. W., & Spence, J. T. (Eds.). (1968). The psychology of learning and "
    "motivation: Advances in research and theory. Academic Press.",
    "who2022": "World Health Organization. (2022). World mental health report: Transforming "
    "mental health for all (Report No. 7). World Health Organization.",
    "nhs2023": "National Health Service. (2023). Cognitive behavioural therapy (CBT). NHS. "
    "https://www.nhs.uk/mental-health/talking-therapies-medicine-treatments/"
    "talking-therapies-and-counselling/cognitive-behavioural-therapy-cbt/overview/",
}


def formatted() -> dict[str, str]:
    data = parse_string(BIB, "bibtex")
    entries = CourseAPAStyle().format_entries(data.entries.values())
    return {e.key: " ".join(e.text.render_as("text").split()) for e in entries}


@pytest.mark.parametrize("key", list(EXPECTED))
def test_entry_follows_the_apa_7_pattern(key: str) -> None:
    assert formatted()[key] == EXPECTED[key]


def test_chapter_and_book_titles_are_italic_and_articles_are_not() -> None:
    data = parse_string(BIB, "bibtex")
    html = {
        e.key: e.text.render_as("html")
        for e in CourseAPAStyle().format_entries(data.entries.values())
    }
    assert "<em>The psychology of learning and motivation</em>" in html["atkinson1968"]
    assert "<em>Human memory" not in html["atkinson1968"]
    assert "<em>Psychological Review</em>" in html["miller1956"]
