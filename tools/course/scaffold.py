"""``course new``: a correctly filed article with complete front matter and a skeleton.

The skeleton is well formed, so a contributor starts from a page that builds;
its guidance sentences (``GUIDANCE``) are an error in ``course check`` until
they are replaced, so a page cannot be published still holding them.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .frontmatter import ARTICLES_DIR
from .suggest import did_you_mean
from .taxonomy import Taxonomy


class ScaffoldError(Exception):
    """The page cannot be created; the message says why and what to do instead."""


def slugify(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text.lower()).strip("-")
    return re.sub(r"-{2,}", "-", text)


#: The guidance sentences of the skeleton, as ``course check`` recognises them
#: (whitespace may differ: a contributor may re-wrap a paragraph).
GUIDANCE = (
    "reader what this article covers.",
    "Describe the main idea of this article in your own words.",
    "Explain why it matters, with an everyday example.",
    "Evaluate one piece of evidence about it.",
    "Open with a question or an everyday example that a",
    "then say in two or three sentences what the article will explain.",
    "The learning objectives above are shown in a box at the top of the page.",
    "Explain the idea in short paragraphs.",
    "Link key terms to the glossary with the term role,",
    "Describe what research has found, and where it falls short.",
    "Write a question a student should be able to answer after reading?",
    "Write the model answer, as a teacher would mark it.",
    "A teaching idea, or a common misconception and how to address it.",
)
_GUIDANCE_RE = [re.compile(r"\s+".join(map(re.escape, g.split()))) for g in GUIDANCE]


def leftover_guidance(text: str) -> list[tuple[int, str]]:
    """(line, sentence) for each skeleton guidance sentence still in a page's text."""
    found = []
    for guidance, pattern in zip(GUIDANCE, _GUIDANCE_RE, strict=True):
        for match in pattern.finditer(text):
            found.append((text.count("\n", 0, match.start()) + 1, guidance))
    return sorted(found)


def skeleton(title: str, category: str, taxonomy: Taxonomy) -> str:
    cat = taxonomy.category(category)
    level = taxonomy.level(cat.level)
    g = GUIDANCE
    return f"""---
category: {category}
topics: []
related: []
summary: One sentence that tells a {level.title} {g[0]}
objectives:
  - {g[1]}
  - {g[2]}
  - {g[3]}
keywords: []
---

# {title}

{g[4]} {level.title} reader
recognises, {g[5]}
{g[6]}

## The main idea

{g[7]}
{g[8]} cite real works with the cite roles, and link other articles with
the article role (CONTRIBUTING.md shows each one).

## Evidence and evaluation

{g[9]}

## Review questions

::::{{question}}
{g[10]}

:::{{answer}}
{g[11]}
:::
::::

:::{{instructor-note}}
{g[12]}
:::

## References

```{{bibliography}}
:filter: docname in docnames
```
"""


def create_article(docs: Path, taxonomy: Taxonomy, title: str, category: str) -> Path:
    title = " ".join(title.split())
    if not title:
        raise ScaffoldError("the title is empty")
    if taxonomy.get("category", category) is None:
        raise ScaffoldError(
            f"unknown course category {category!r}{did_you_mean(category, taxonomy.slugs('category'))}"
            " (see `course list`)"
        )
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(f"cannot make a slug from the title {title!r}")
    folder = docs / ARTICLES_DIR
    path = folder / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(
            f"an article with the slug {slug!r} already exists ({path}): edit that page, "
            "or choose a title that says how the new article differs"
        )
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(skeleton(title, category, taxonomy), encoding="utf-8")
    return path
