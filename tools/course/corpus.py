"""A quick look at the article files on disk, without a Sphinx build.

The generated category pages need their toctrees (which articles sit in which
category) before Sphinx reads anything, and the command-line tools need the
same facts; both get them here, from the same front-matter reader the build uses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .frontmatter import ARTICLES_DIR, FrontMatter, read_front_matter

_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})")


@dataclass(frozen=True)
class ArticleFile:
    slug: str
    path: Path
    title: str
    category: str | None
    front_matter: FrontMatter | None = None


def first_heading(lines: list[str], start: int) -> tuple[str, int] | None:
    """The first level-1 heading outside fenced blocks, with its 1-based line."""
    fence: str | None = None
    for number, line in enumerate(lines[start:], start=start + 1):
        opened = _FENCE.match(line)
        if opened:
            marker = opened.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if fence is None and (m := _H1.match(line)):
            return m.group(1), number
    return None


def read_article(path: Path) -> ArticleFile:
    text = path.read_text(encoding="utf-8")
    fm, _ = read_front_matter(text)
    lines = text.splitlines()
    heading = first_heading(lines, fm.last_line if fm else 0)
    category = fm.data.get("category") if fm else None
    return ArticleFile(
        path.stem,
        path,
        heading[0] if heading else path.stem,
        category if isinstance(category, str) else None,
        fm,
    )


def article_paths(srcdir: Path) -> list[Path]:
    return sorted((srcdir / ARTICLES_DIR).glob("*.md"))


def scan_articles(srcdir: Path) -> list[ArticleFile]:
    """Every article under ``docs/articles/``, sorted by file name."""
    return [read_article(p) for p in article_paths(srcdir)]


def scan_titles_and_categories(srcdir: Path, cache: Path) -> list[ArticleFile]:
    """Slug, title and category of every article, re-reading only files that changed.

    Runs before every build (the toctrees need it), so on a large site the
    answers are kept in *cache* by file size and modification time.
    """
    try:
        known = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    out: list[ArticleFile] = []
    fresh: dict[str, list[object]] = {}
    for path in article_paths(srcdir):
        stat = path.stat()
        stamp = [stat.st_mtime_ns, stat.st_size]
        entry = known.get(path.name)
        if entry and entry[:2] == stamp:
            article = ArticleFile(path.stem, path, entry[2], entry[3])
        else:
            article = read_article(path)
        fresh[path.name] = [*stamp, article.title, article.category]
        out.append(article)
    if fresh != known:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(fresh), encoding="utf-8")
    return out
