"""A quick look at the article files on disk, without a Sphinx build.

The generated category pages need their toctrees (which articles sit in which
category) before Sphinx reads anything, and the command-line tools need the
same facts; both get them here, from the same front-matter reader the build uses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .frontmatter import ARTICLES_DIR, FrontMatter, safe_source
from .reader import parse, read_bytes


@dataclass(frozen=True)
class ArticleFile:
    slug: str
    path: Path
    title: str
    category: str | None
    front_matter: FrontMatter | None = None
    order: int | None = None
    prerequisites: tuple[str, ...] = ()


def read_article(path: Path) -> ArticleFile:
    """Slug, title (the first level-1 heading) and category, as the build will read them.

    A page that cannot be read, or whose front matter fails closed, has no
    category; the build and ``course check`` report why.
    """
    text, _problems = read_bytes(path.read_bytes())
    if text is None:
        return ArticleFile(path.stem, path, path.stem, None)
    _safe, _fm_problems, fm = safe_source(text)
    heading = parse(text).title()
    data = fm.data if fm else {}
    category, order, needs = data.get("category"), data.get("order"), data.get("prerequisites")
    return ArticleFile(
        path.stem,
        path,
        heading.text if heading else path.stem,
        category if isinstance(category, str) else None,
        fm,
        order if isinstance(order, int) and not isinstance(order, bool) else None,
        tuple(n for n in needs if isinstance(n, str)) if isinstance(needs, list) else (),
    )


def article_paths(srcdir: Path) -> list[Path]:
    return sorted((srcdir / ARTICLES_DIR).glob("*.md"))


def scan_articles(srcdir: Path) -> list[ArticleFile]:
    """Every article under ``docs/articles/``, sorted by file name."""
    return [read_article(p) for p in article_paths(srcdir)]


def scan_titles_and_categories(srcdir: Path, cache: Path) -> list[ArticleFile]:
    """Slug, title, category and teaching order of every article, re-reading only files
    that changed.

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
        if entry and len(entry) == 6 and entry[:2] == stamp:
            title, category, order, needs = entry[2:]
            article = ArticleFile(path.stem, path, title, category, None, order, tuple(needs))
        else:
            article = read_article(path)
        fresh[path.name] = [
            *stamp,
            article.title,
            article.category,
            article.order,
            list(article.prerequisites),
        ]
        out.append(article)
    if fresh != known:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(fresh), encoding="utf-8")
    return out
