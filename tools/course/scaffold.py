"""``course new``: a correctly filed article with complete front matter and a skeleton.

The skeleton passes ``course check`` and the strict build as it is, so a
contributor starts from a page that works and replaces the guidance text.
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


def skeleton(title: str, category: str, taxonomy: Taxonomy) -> str:
    cat = taxonomy.category(category)
    level = taxonomy.level(cat.level)
    return f"""---
category: {category}
topics: []
related: []
summary: One sentence that tells a {level.title} reader what this article covers.
objectives:
  - Describe the main idea of this article in your own words.
  - Explain why it matters, with an everyday example.
  - Evaluate one piece of evidence about it.
keywords: []
---

# {title}

Open with a question or an everyday example that a {level.title} reader
recognises, then say in two or three sentences what the article will explain.
The learning objectives above are shown in a box at the top of the page.

## The main idea

Explain the idea in short paragraphs. Link key terms to the glossary with the
term role, cite real works with the cite roles, and link other articles with
the article role (CONTRIBUTING.md shows each one).

## Evidence and evaluation

Describe what research has found, and where it falls short.

## Review questions

::::{{question}}
Write a question a student should be able to answer after reading?

:::{{answer}}
Write the model answer, as a teacher would mark it.
:::
::::

:::{{instructor-note}}
A teaching idea, or a common misconception and how to address it.
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
