"""Write the generated taxonomy pages as MyST sources, at build start.

Every level, course, category, topic subject and topic gets a page, plus the
topic overview, the all-categories index and the A–Z index. They are real
documents (toctree, search, PDF), written into a git-ignored folder of
``docs/`` and only when their text changed, as ``sphinx.ext.autosummary``
does, so that ``sphinx-autobuild`` does not loop. Their listings are
placeholders filled from the environment at resolve time; only the toctrees,
which Sphinx needs before reading, come from a scan of article front matter.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from tools.course import paths
from tools.course.catalog import teaching_order
from tools.course.corpus import ArticleFile, scan_titles_and_categories
from tools.course.files import write_text_atomic
from tools.course.taxonomy import Taxonomy

from .config import taxonomy_of
from .specification import coverage_sources

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

NOTICE = "% Generated from conf/taxonomy.yaml by tools/extensions/generate.py: do not edit."


def _toctree(entries: list[tuple[str | None, str]], caption: str | None = None) -> str:
    lines = ["```{toctree}", ":hidden:", ":titlesonly:"]
    if caption:
        lines.append(f":caption: {caption}")
    lines.append("")
    for title, target in entries:
        lines.append(f"{title} <{target}>" if title else target)
    lines.append("```")
    return "\n".join(lines) if entries else ""


def _page(label: str, title: str, directive: str, toctree: str = "") -> str:
    parts = [NOTICE, "", f"({label})=", f"# {title}", "", directive, ""]
    if toctree:
        parts += [toctree, ""]
    return "\n".join(parts)


def _overview(kind: str, slug: str) -> str:
    return f"```{{course-overview}} {kind} {slug}\n```"


def render_pages(taxonomy: Taxonomy, articles: list[ArticleFile]) -> dict[str, str]:
    """docname (under docs/) -> source text, for every generated page."""
    in_category: dict[str, list[ArticleFile]] = {}
    for course in (c for level in taxonomy.levels for c in level.courses):
        for art in teaching_order([c.slug for c in course.categories], articles):
            in_category.setdefault(art.category or "", []).append(art)

    pages: dict[str, str] = {}
    for level in taxonomy.levels:
        pages[paths.generated_docname("level", level.slug)] = _page(
            f"level-{level.slug}",
            level.title,
            _overview("level", level.slug),
            _toctree(
                [(None, "/" + paths.generated_docname("course", c.slug)) for c in level.courses]
            ),
        )
        for course in level.courses:
            pages[paths.generated_docname("course", course.slug)] = _page(
                f"course-{course.slug}",
                course.title,
                _overview("course", course.slug),
                _toctree(
                    [
                        (c.title, "/" + paths.generated_docname("category", c.slug))
                        for c in course.categories
                    ]
                ),
            )
            for cat in course.categories:
                pages[paths.generated_docname("category", cat.slug)] = _page(
                    f"category-{cat.slug}",
                    taxonomy.category_label(cat.slug),
                    _overview("category", cat.slug),
                    _toctree(
                        [
                            (None, "/" + paths.article_docname(a.slug))
                            for a in in_category.get(cat.slug, [])
                        ]
                    ),
                )
    pages[paths.TOPICS_PAGE] = _page(
        "browse-topics",
        "Topics by subject",
        "```{course-overview} topics all\n```",
        _toctree(
            [(None, "/" + paths.generated_docname("subject", s.slug)) for s in taxonomy.subjects]
        ),
    )
    for subject in taxonomy.subjects:
        pages[paths.generated_docname("subject", subject.slug)] = _page(
            f"subject-{subject.slug}",
            subject.title,
            _overview("subject", subject.slug),
            _toctree(
                [(None, "/" + paths.generated_docname("topic", t.slug)) for t in subject.topics]
            ),
        )
        for topic in subject.topics:
            pages[paths.generated_docname("topic", topic.slug)] = _page(
                f"topic-{topic.slug}", topic.title, _overview("topic", topic.slug)
            )
    pages[paths.CATEGORIES_PAGE] = _page(
        "browse-categories",
        "All categories",
        "The same lists as compact indexes: {ref}`course-categories` and {ref}`course-topics`.\n\n"
        "```{course-overview} categories all\n```",
    )
    pages[paths.A_TO_Z_PAGE] = _page(
        "browse-a-z", "Articles A–Z", "```{course-overview} a-z all\n```"
    )
    return pages


def write_generated_pages(app: Sphinx) -> None:
    """Bring ``docs/browse/`` in line with the taxonomy and the articles on disk."""
    srcdir = Path(app.srcdir)
    articles = scan_titles_and_categories(srcdir, Path(app.doctreedir) / "course-articles.json")
    pages = render_pages(taxonomy_of(app.env), articles)
    pages.update(coverage_sources(app.config))
    root = srcdir / paths.GENERATED_DIR
    wanted = {srcdir / f"{docname}.md": text for docname, text in pages.items()}
    written = 0
    for path, text in wanted.items():
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        # Whole or not at all: another build reading docs/ at the same time (make serve
        # beside make html, parallel test workers) never sees a half-written page.
        write_text_atomic(path, text)
        written += 1
    for stale in root.rglob("*.md") if root.exists() else ():
        if stale not in wanted:
            stale.unlink()
    if written:
        logger.info("[course] wrote %d generated page(s) into %s", written, root)


def setup_generate(app: Sphinx) -> None:
    app.connect("builder-inited", write_generated_pages)
