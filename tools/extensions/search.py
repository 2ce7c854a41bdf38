"""Search as you type: a Pagefind index written at the end of every HTML build.

Sphinx's own search (``search.html`` and ``searchindex.js``) stays as it is:
it is the page the search box submits to, and the one that works without
JavaScript or from ``file://``. On top of it, ``_static/search.js`` opens
results in place while the reader types, from a Pagefind index in
``pagefind/``, which loads only the shards a query needs.

- Each indexed page marks its content ``data-pagefind-body`` (so the theme's
  sidebars and the search page are never indexed) and carries its metadata
  (title, kind, level, course, category) and filters (level, course,
  category, topic, and the exam specification points an article teaches) as
  empty hidden elements; pages that merely list others
  are weighted down, so articles rank above them.
- Every glossary term is a record of its own (kind ``glossary``), linking to
  its entry on the glossary page, which is not indexed as a whole.
- ``pagefind/course-words.json`` holds the words of titles and glossary terms
  (for "Did you mean ...?", fetched only when a query finds little), and
  ``pagefind/course-filters.json`` the labels of the filters' values.
- Pagefind reads a search copy of each page, not the page: the marked content
  alone, written beside the doctrees when the page is written (a site page
  repeats the theme's header and navigation, which at 1,000 articles is
  two-thirds of its bytes, and Pagefind would parse them only to skip them).
- The index is rebuilt from every page's search copy whenever one changed, so
  an incremental build leaves the same files as a fresh one.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging

from tools.course import paths
from tools.course.files import write_text_atomic
from tools.course.taxonomy import Kind

from .config import taxonomy_of
from .domain import CourseDomain
from .specification_view import points_of, specifications_of
from .terms import glossary

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: Where the index goes, inside the HTML output.
INDEX_DIR = "pagefind"
#: Where each page's search copy is kept, inside the doctree folder (the build's cache).
COPIES_DIR = "course-search-pages"
WORDS = "course-words.json"
FILTERS = "course-filters.json"
#: Parts of a page that are not its text: trails, related and "similar"
#: blocks (marked ``no-search``), term tooltips, heading anchors.
EXCLUDED = (
    ".no-search",
    ".course-term-tip",
    ".headerlink",
    "[data-pagefind-ignore]",
    # Model answers and self-check quizzes: a result's excerpt must not give away the
    # answer to a self-test, nor show a quiz's deliberately wrong options as if they were
    # content, and both repeat the teaching text. Reference lists: citations in the text
    # already carry the authors. All of them also keep the first query's download small.
    ".course-answer",
    ".course-quiz",
    ".citation-list",
)
#: Listing pages are weighted down so an article on the same words ranks first.
LISTING_WEIGHT = "0.3"
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
    "pagefind-worker.js",  # search.js runs Pagefind in the page
    "wasm.unknown.pagefind",  # every page is English (force_language)
)
FACETS = (Kind.LEVEL, Kind.COURSE, Kind.CATEGORY, Kind.TOPIC)
#: Exam specification content points ("aqa-8182:3.1.3"), a filter beside the taxonomy's.
SPEC = "spec"
FILTERS_ORDER = (*FACETS, SPEC)
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]{2}", re.UNICODE)


def _facets(env: BuildEnvironment, docname: str) -> tuple[str, dict[str, list[str]]] | None:
    """The page's kind and its filter values (slugs), or None for a page not indexed."""
    domain = env.domains["course"]
    assert isinstance(domain, CourseDomain)
    taxonomy = taxonomy_of(env)
    record = domain.articles.get(docname)
    if record is not None:
        found = {
            Kind.LEVEL: [record.level] if record.level else [],
            Kind.COURSE: [record.course] if record.course else [],
            Kind.CATEGORY: [record.category] if record.category else [],
            Kind.TOPIC: list(record.topics),
            SPEC: list(points_of(env).get(docname, ())),
        }
        return "article", {str(k): v for k, v in found.items() if v}
    generated = paths.parse_generated(docname)
    if generated is not None:
        kind, slug = generated
        values: dict[str, list[str]] = {str(kind): [slug]}
        if kind in (Kind.COURSE, Kind.CATEGORY):
            entry = taxonomy.get(kind, slug)
            values[Kind.LEVEL] = [entry.level]
            if kind == Kind.CATEGORY:
                values[Kind.COURSE] = [entry.course]
        return "listing", {k: v for k, v in values.items() if k in FACETS}
    if docname == "glossary" or docname not in env.all_docs:
        return None  # glossary terms are records of their own; search, genindex, 404
    if docname == "index" or docname.startswith(paths.GENERATED_DIR + "/"):
        return "listing", {}
    return "page", {}


def _labels(env: BuildEnvironment, kind: str, slugs: list[str]) -> str:
    taxonomy = taxonomy_of(env)
    return ", ".join(taxonomy.get(kind, slug).title for slug in slugs)


def mark_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Mark the page's content for the index, with its metadata and filters."""
    if doctree is None or "body" not in context:
        return
    copy = Path(_copy_path(app, pagename))
    facets = _facets(app.env, pagename)
    if facets is None:
        copy.unlink(missing_ok=True)
        return
    kind, values = facets
    marks = [("meta", f"kind:{kind}")]
    for facet in FACETS:
        if facet in values and facet != Kind.TOPIC:
            marks.append(("meta", f"{facet}:{_labels(app.env, facet, values[facet])}"))
    marks += [
        ("filter", f"{facet}:{slug}") for facet in FILTERS_ORDER for slug in values.get(facet, [])
    ]
    hidden = "".join(
        f'<span hidden data-pagefind-{what}="{html.escape(value)}"></span>' for what, value in marks
    )
    weight = f' data-pagefind-weight="{LISTING_WEIGHT}"' if kind == "listing" else ""
    body: str = context["body"]
    start = body.find("<section")
    if start >= 0:
        end = body.index(">", start) + 1
        opening = body[start : end - 1] + f" data-pagefind-body{weight}>"
        context["body"] = body[:start] + opening + hidden + body[end:]
    else:
        context["body"] = f"<div data-pagefind-body{weight}>{hidden}{body}</div>"
    title = re.sub(r"<[^>]*>", "", context.get("title", ""))  # markup already escaped
    write_text_atomic(
        copy,
        f'<!DOCTYPE html><html lang="{app.config.language or "en"}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>{context['body']}</body></html>\n",
    )


def _copy_path(app: Sphinx, pagename: str) -> str:
    """Where the search copy of *pagename* goes: the page's own path under :data:`COPIES_DIR`,
    so the URL Pagefind records for it is the page's. A string, made as the HTML builder's
    get_output_path makes it (name + suffix): at 10,000 pages, Path objects for every copy
    were a second of a no-change rebuild."""
    suffix: str = getattr(app.builder, "out_suffix", ".html")  # HTML builders have one
    return os.path.join(app.doctreedir, COPIES_DIR, pagename + suffix)


def allow_wasm(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Pagefind searches in WebAssembly, which a Content-Security-Policy must allow by name."""
    meta: str = context.get("metatags", "")
    start = meta.find("script-src ")
    if start >= 0 and "'wasm-unsafe-eval'" not in meta:
        end = meta.find(";", start)
        end = len(meta) if end < 0 else end
        context["metatags"] = meta[:end] + " 'wasm-unsafe-eval'" + meta[end:]


def vocabulary(env: BuildEnvironment) -> list[str]:
    """Words of titles and glossary terms, as titles spell them (Piaget, not piaget)."""
    domain = env.domains["course"]
    assert isinstance(domain, CourseDomain)
    texts = [record.title for record in domain.articles.values()]
    terms = glossary(env)
    texts += [entry.term for entry in terms.values()]
    words = sorted({w.lower() for text in texts for w in _WORD.findall(text) if len(w) > 2})
    shown: dict[str, str] = {}
    for text in [*texts, *(env.titles[d].astext() for d in sorted(env.titles))]:
        for word in _WORD.findall(text):
            shown.setdefault(word.lower(), word)
    return [shown.get(w, w) for w in words]


def filter_labels(env: BuildEnvironment) -> dict[str, dict[str, str]]:
    """Each filter's values (slugs, as in the URL) and the names readers see."""
    taxonomy = taxonomy_of(env)
    labels = {
        str(facet): {slug: taxonomy.get(facet, slug).title for slug in taxonomy.slugs(facet)}
        for facet in FACETS
    }
    labels[SPEC] = {
        point.id: f"{spec.label} {point.number} {point.title}"
        for spec in specifications_of(env)
        for point in spec.points
    }
    return labels


def _glossary_records(env: BuildEnvironment, builder: Any) -> list[dict[str, Any]]:
    records = []
    for key in sorted(glossary(env)):
        entry = glossary(env)[key]
        term = entry.item.next_node(nodes.term)
        title = term.astext() if term is not None else entry.term
        url = "/" + builder.get_target_uri(entry.docname) + "#" + entry.anchor
        records.append(
            {
                "url": url,
                "content": f"{title}. {entry.definition}",
                "language": "en",
                "meta": {"title": title, "kind": "glossary"},
                "filters": {"kind": ["glossary"]},
            }
        )
    return records


class PagefindService:
    """The bundled ``pagefind --service`` binary, spoken to directly.

    Pagefind's Python wrapper reads one reply per 0.1 s, which makes each
    glossary record cost a tenth of a second (25 s for the course). This
    client writes the requests from a thread and reads the replies as they
    come. The protocol (base64 JSON messages, each followed by a comma) is
    the one Pagefind's own wrappers use; pyproject.toml bounds the version.
    """

    def __init__(self) -> None:
        from pagefind.service import get_executable

        binary = get_executable()
        if binary is None:
            raise RuntimeError("the pagefind binary is not installed (pip install 'pagefind[bin]')")
        self.process = subprocess.Popen(
            [str(binary), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.next_id = 0
        self.pending = b""

    def ask(self, payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send every payload, then return the replies in the order of the payloads."""
        assert self.process.stdin is not None and self.process.stdout is not None
        first = self.next_id
        self.next_id += len(payloads)
        messages = b"".join(
            base64.b64encode(json.dumps({"message_id": first + n, "payload": p}).encode()) + b","
            for n, p in enumerate(payloads)
        )
        stdin = self.process.stdin
        writer = threading.Thread(target=lambda: (stdin.write(messages), stdin.flush()))
        writer.start()
        replies: dict[int, dict[str, Any]] = {}
        while len(replies) < len(payloads):
            while b"," not in self.pending:
                chunk = os.read(self.process.stdout.fileno(), 1 << 16)
                if not chunk:
                    raise RuntimeError("pagefind stopped before it answered")
                self.pending += chunk
            message, _, self.pending = self.pending.partition(b",")
            reply = json.loads(base64.b64decode(message))
            payload = reply["payload"]
            if payload.get("type") == "Error":
                raise RuntimeError(f"pagefind: {payload.get('message')}")
            replies[reply["message_id"]] = payload
        writer.join()
        return [replies[first + n] for n in range(len(payloads))]

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def write_index(site: Path, records: list[dict[str, Any]], output: Path | None = None) -> int:
    """Index the marked pages under *site* and *records* into *output* (``site/pagefind``
    unless given); the record count."""
    service = PagefindService()
    try:
        config = {"exclude_selectors": list(EXCLUDED), "force_language": "en"}
        (created,) = service.ask([{"type": "NewIndex", "config": config}])
        index = created["index_id"]
        added = service.ask(
            [
                {"type": "AddDir", "index_id": index, "path": str(site)},
                *({"type": "AddRecord", "index_id": index, **record} for record in records),
            ]
        )
        service.ask(
            [
                {
                    "type": "WriteFiles",
                    "index_id": index,
                    "output_path": str(output or site / INDEX_DIR),
                }
            ]
        )
    finally:
        service.close()
    return int(added[0]["page_count"]) + len(records)


def _inputs_digest(pages: list[str], records: list[dict[str, Any]]) -> str:
    """What the index is made from: the pages' search copies (by size and time written) and
    the records.

    A copy is written only with its page, and the build rewrites a page only
    when it changed, so an unchanged digest means Pagefind would write the
    same index again.
    """
    digest = hashlib.sha256(json.dumps(records, sort_keys=True).encode("utf-8"))
    for page in pages:
        try:
            stat = os.stat(page)
            stamp = f"{stat.st_mtime_ns}\0{stat.st_size}"
        except FileNotFoundError:
            stamp = "-"  # a page that is not indexed (search, genindex, glossary)
        digest.update(f"{page}\0{stamp}\n".encode())
    return digest.hexdigest()


def build_index(app: Sphinx, exception: BaseException | None) -> None:
    """Index the written site into ``pagefind/`` (from scratch, whenever a page changed)."""
    if exception is not None or app.builder.format != "html" or app.builder.name != "html":
        return
    site = Path(app.outdir)
    target = site / INDEX_DIR
    records = _glossary_records(app.env, app.builder)
    stamp = Path(app.doctreedir) / "course-search-index.txt"
    copies = Path(app.doctreedir, COPIES_DIR)
    pages = [_copy_path(app, d) for d in sorted(app.env.all_docs)]
    kept = set(pages)
    for folder, _, names in os.walk(copies):
        for name in names:
            if os.path.join(folder, name) not in kept:
                os.unlink(os.path.join(folder, name))  # a deleted page's: not to be listed
    digest = _inputs_digest(pages, records)
    complete = (target / "pagefind-entry.json").is_file() and (target / FILTERS).is_file()
    if complete and stamp.is_file() and stamp.read_text(encoding="utf-8") == digest:
        logger.info("search index: no page changed, %s kept", target)
        return
    stamp.unlink(missing_ok=True)
    shutil.rmtree(target, ignore_errors=True)  # no shard of an older index stays behind
    try:
        copies.mkdir(parents=True, exist_ok=True)
        count = write_index(copies, records, target)
    except (OSError, RuntimeError, ValueError) as error:  # Sphinx's search.html still works
        logger.warning(
            "the search index was not written (%s); search falls back to search.html",
            error,
            type="course",
            subtype="search",
        )
        return
    for name in UNUSED:  # Pagefind's own interfaces: search.js uses its API only
        (target / name).unlink(missing_ok=True)
    for name, data in ((WORDS, {"words": vocabulary(app.env)}), (FILTERS, filter_labels(app.env))):
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        (target / name).write_text(text, encoding="utf-8")
    stamp.write_text(digest, encoding="utf-8")
    logger.info("search index: %d records in %s", count, target)


def add_static(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.add_css_file("search.css")
        app.add_js_file("search.js", defer="defer")


def setup_search(app: Sphinx) -> None:
    app.connect("builder-inited", add_static)
    app.connect("html-page-context", mark_page, priority=450)
    app.connect("html-page-context", allow_wasm, priority=600)  # after the policy is added
    app.connect("build-finished", build_index, priority=800)  # before the output scan
