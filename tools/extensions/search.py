"""Search as you type: a Pagefind index written at the end of every HTML build.

Sphinx's own search (``search.html`` and ``searchindex.js``) stays as it is:
it is the page the search box submits to, and the one that works without
JavaScript or from ``file://``. On top of it, ``_static/search.js`` opens
results in place while the reader types, from a Pagefind index in
``pagefind/``, which loads only the word chunks a query needs.

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
- The index is in shards (Pagefind cannot update an index in place): pages and
  glossary records go into shards by a stable hash of their name, the number
  of shards set by the number of pages (:func:`shard_count`). Shard 0 is the
  primary bundle in ``pagefind/`` (Pagefind's script and WebAssembly); the
  others, in ``pagefind/shards/<n>/``, are listed in ``pagefind/course-shards.json``
  and merged into it by search.js. A build re-indexes only the shards whose
  pages or records changed, so an incremental build leaves the same files as a
  fresh one.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
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
#: The shards search.js merges into the primary one (folder names under :data:`SHARDS_DIR`).
MANIFEST = "course-shards.json"
#: Where shards other than the primary (shard 0, in :data:`INDEX_DIR` itself) go.
SHARDS_DIR = "shards"
#: Pages per shard (:func:`shard_count`): a site of up to ONE_SHARD_UP_TO pages is one
#: shard (indexing all of it takes under a second); above, the square root of the pages
#: indexed times SHARD_ROOT, and never fewer than MIN_SHARD_PAGES.
ONE_SHARD_UP_TO = 300
SHARD_ROOT = 4
MIN_SHARD_PAGES = 100
#: Each shard's inputs digest, in the doctree folder.
STAMP = "course-search-shards.json"
#: Where changed shards are written before they replace the old ones, in the doctree folder.
SCRATCH_DIR = "course-search-new"
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
    text = (
        f'<!DOCTYPE html><html lang="{app.config.language or "en"}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>{context['body']}</body></html>\n"
    )
    try:
        unchanged = copy.read_text(encoding="utf-8") == text
    except FileNotFoundError:
        unchanged = False
    if not unchanged:  # a page rewritten as it was (a listing of an edited article) keeps its shard
        write_text_atomic(copy, text)


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


def shard_count(pages: int, per_shard: int = 0) -> int:
    """How many shards *pages* indexed pages go into: *per_shard* pages each, or by default
    one up to :data:`ONE_SHARD_UP_TO` pages, then ``max(MIN_SHARD_PAGES, SHARD_ROOT *
    sqrt(pages))`` pages each.

    An incremental build re-indexes the shards of the pages it changed (its cost
    grows with their size), while a first query fetches one word chunk (20-30 KB)
    from every shard, and scores from different shards are only roughly
    comparable (each has its own word frequencies). So a small site is one
    shard, and larger ones grow both costs as the square root: 1,000 pages make
    9 shards (a one-page edit re-indexes about 130 pages), 10,000 make 26. The
    published site is one index whatever its size (``course_search_one_index``:
    its build is always fresh, so readers need not pay for shards).
    """
    if not per_shard and pages <= ONE_SHARD_UP_TO:
        return 1
    size = per_shard or max(MIN_SHARD_PAGES, SHARD_ROOT * math.sqrt(pages))
    return max(1, math.ceil(pages / size))


def shard_of(docname: str, count: int) -> int:
    """The shard a page (by docname) or record (by URL) goes into: a stable hash of the name
    (not Python's salted hash), so a fresh and an incremental build agree."""
    digest = hashlib.sha256(docname.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


@dataclass
class Shard:
    """What one shard indexes: search copies (paths) and records (glossary terms)."""

    pages: list[str] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)


def _assign(pages: dict[str, str], records: list[dict[str, Any]], count: int) -> dict[int, Shard]:
    """Each shard's pages (docname -> path) and records (by their URL).

    Records are spread like pages, so every shard is a like sample of the site
    and scores from different shards stay comparable (the glossary's hundreds
    of short records in one shard outranked every article). Shard 0 is always
    there (it has the script); the others only when something hashes to them
    (an empty index has no language for Pagefind to load).
    """
    shards: dict[int, Shard] = {0: Shard()}
    for docname, path in sorted(pages.items()):
        shards.setdefault(shard_of(docname, count), Shard()).pages.append(path)
    for record in records:
        shards.setdefault(shard_of(record["url"], count), Shard()).records.append(record)
    return dict(sorted(shards.items()))


def _shard_folder(index: Path, shard: int) -> Path:
    """Shard 0 is the primary bundle (pagefind.js, WebAssembly); the others are merged into it."""
    return index if shard == 0 else index / SHARDS_DIR / str(shard)


def _keep_in_primary(name: str) -> bool:
    """What replacing the primary shard leaves alone: the other shards and the build's JSON."""
    return name == SHARDS_DIR or name.startswith("course-")


def _shard_file(shard: int, name: str) -> bool:
    """Whether a file Pagefind wrote belongs in the output: search.js uses Pagefind's API only,
    and merged shards run on the primary's script and WebAssembly."""
    if shard == 0:
        return name not in UNUSED
    return name in ("pagefind-entry.json", "index", "fragment", "filter") or name.endswith(
        ".pf_meta"
    )


def _replace(fresh: Path, target: Path, shard: int) -> None:
    """Put the shard written in *fresh* in place of *target*'s, leaving none of its old
    (content-hashed) files behind."""
    if target.is_dir():
        for old in target.iterdir():
            if shard == 0 and _keep_in_primary(old.name):
                continue
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()
    target.mkdir(parents=True, exist_ok=True)
    for new in sorted(fresh.iterdir()):
        if _shard_file(shard, new.name):
            shutil.move(new, target / new.name)
    shutil.rmtree(fresh)


def _index_shards(site: Path, shards: dict[int, Shard], scratch: Path) -> int:
    """Index *shards* with one Pagefind process (an index each, all asked at once), each into
    ``scratch/<n>``; the record count."""
    service = PagefindService()
    try:
        config = {"exclude_selectors": list(EXCLUDED), "force_language": "en"}
        order = sorted(shards)
        created = service.ask([{"type": "NewIndex", "config": config} for _ in order])
        ids = {shard: reply["index_id"] for shard, reply in zip(order, created, strict=True)}
        adds: list[dict[str, Any]] = []
        for shard in order:
            adds += (
                {
                    "type": "AddFile",
                    "index_id": ids[shard],
                    "file_path": page,
                    "file_contents": (site / page).read_text(encoding="utf-8"),
                }
                for page in shards[shard].pages
            )
            adds += (
                {"type": "AddRecord", "index_id": ids[shard], **record}
                for record in shards[shard].records
            )
        service.ask(adds)
        # The files come back in the reply and are written here: Pagefind's own
        # WriteFiles answers before its writes are flushed, and the service exits
        # when its input closes, so a file could be left empty or cut short.
        bundles = service.ask([{"type": "GetFiles", "index_id": ids[n]} for n in order])
    finally:
        service.close()
    for shard, bundle in zip(order, bundles, strict=True):
        for file in bundle["files"]:
            path = scratch / str(shard) / file["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(file["content"]))
    return len(adds)


def write_shards(site: Path, shards: dict[int, Shard], index: Path, scratch: Path) -> int:
    """Index each shard (its pages' paths relative to *site*, and its records) and put it in
    place under *index*, via a fresh folder in *scratch*; the record count.

    Shards are shared out round-robin among one Pagefind process per core (a
    full index of 1,000 articles in four shards: 3.1 s on two processes, 4.5 s
    on one).
    """
    shutil.rmtree(scratch, ignore_errors=True)  # a failed build's
    scratch.mkdir(parents=True)
    order = sorted(shards)
    workers = max(1, min(len(order), os.cpu_count() or 1))
    groups = [{n: shards[n] for n in order[i::workers]} for i in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        written = sum(pool.map(lambda group: _index_shards(site, group, scratch), groups))
    for shard in order:
        _replace(scratch / str(shard), _shard_folder(index, shard), shard)
    scratch.rmdir()
    return written


def write_index(site: Path, records: list[dict[str, Any]], output: Path | None = None) -> int:
    """Index every page under *site* and *records* into *output* (``site/pagefind`` unless
    given), in shards as the build writes them; the record count. (What ``make bench``
    times: a full index.)"""
    index = output or site / INDEX_DIR
    suffix = ".html"
    pages = {
        p.relative_to(site).as_posix().removesuffix(suffix): p.relative_to(site).as_posix()
        for p in site.rglob("*" + suffix)
        if index not in p.parents
    }
    shards = _assign(pages, records, shard_count(len(pages)))
    with tempfile.TemporaryDirectory() as scratch:
        written = write_shards(site, shards, index, Path(scratch) / "new")
    _write_json(index / MANIFEST, [str(shard) for shard in shards if shard])
    return written


def _write_json(path: Path, data: Any) -> None:
    """Write *data* compactly, unless the file already holds exactly that (a rebuild that
    changes nothing writes nothing)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _inputs_digest(pages: list[str], records: list[dict[str, Any]]) -> str:
    """What a shard is made from: its pages' search copies (by size and time written) and
    its records.

    A copy is written only with its page, and the build rewrites a page only
    when it changed, so an unchanged digest means Pagefind would write the
    same shard again.
    """
    digest = hashlib.sha256(json.dumps(records, sort_keys=True).encode("utf-8"))
    for page in pages:
        stat = os.stat(page)
        digest.update(f"{page}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    return digest.hexdigest()


def _indexed_copies(app: Sphinx) -> dict[str, str]:
    """Each indexed page's search copy (docname -> path), a deleted page's copy removed."""
    copies = os.path.join(app.doctreedir, COPIES_DIR)
    wanted = {_copy_path(app, d): d for d in sorted(app.env.all_docs)}
    found: dict[str, str] = {}
    for folder, _, names in os.walk(copies):
        for name in names:
            path = os.path.join(folder, name)
            if path in wanted:
                found[wanted[path]] = path
            else:
                os.unlink(path)  # a deleted page's: not to be listed
    return dict(sorted(found.items()))


def build_index(app: Sphinx, exception: BaseException | None) -> None:
    """Index the written site into ``pagefind/``, re-indexing only the shards whose pages
    or glossary records changed."""
    if exception is not None or app.builder.format != "html" or app.builder.name != "html":
        return
    start = time.perf_counter()
    target = Path(app.outdir) / INDEX_DIR
    records = _glossary_records(app.env, app.builder)
    copies = _indexed_copies(app)
    if app.config.course_search_one_index:
        count = 1
    else:
        count = shard_count(len(copies), app.config.course_search_shard_pages)
    shards = _assign(copies, records, count)
    digests = {str(n): _inputs_digest(shard.pages, shard.records) for n, shard in shards.items()}
    stamp = Path(app.doctreedir) / STAMP
    try:
        before = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    kept = before.get("digests", {}) if before.get("count") == count else {}
    changed = [
        shard
        for shard in shards
        if kept.get(str(shard)) != digests[str(shard)]
        or not (_shard_folder(target, shard) / "pagefind-entry.json").is_file()
    ]
    if not changed and all((target / name).is_file() for name in (MANIFEST, WORDS, FILTERS)):
        logger.info("search index: no page changed, %s kept", target)
        return
    stamp.unlink(missing_ok=True)
    copies_dir = Path(app.doctreedir, COPIES_DIR)
    written = 0
    try:
        if changed:
            written = write_shards(
                copies_dir,
                {
                    n: Shard(
                        [Path(p).relative_to(copies_dir).as_posix() for p in shards[n].pages],
                        shards[n].records,
                    )
                    for n in changed
                },
                target,
                Path(app.doctreedir) / SCRATCH_DIR,
            )
    except (OSError, RuntimeError, ValueError) as error:  # Sphinx's search.html still works
        logger.warning(
            "the search index was not written (%s); search falls back to search.html",
            error,
            type="course",
            subtype="search",
        )
        return
    for old in (target / SHARDS_DIR).glob("*"):
        if not old.name.isdigit() or int(old.name) not in shards or int(old.name) == 0:
            shutil.rmtree(old)  # of an index with other shards
    if len(shards) == 1:
        shutil.rmtree(target / SHARDS_DIR, ignore_errors=True)
    _write_json(target / MANIFEST, [str(shard) for shard in shards if shard])
    _write_json(target / WORDS, {"words": vocabulary(app.env)})
    _write_json(target / FILTERS, filter_labels(app.env))
    stamp.write_text(json.dumps({"count": count, "digests": digests}), encoding="utf-8")
    logger.info(
        "search index: %d of %d shards re-indexed (%d records) in %.2f s, in %s",
        len(changed),
        len(shards),
        written,
        time.perf_counter() - start,
        target,
    )


def add_static(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.add_css_file("search.css")
        app.add_js_file("search.js", defer="defer")


def setup_search(app: Sphinx) -> None:
    app.add_config_value(
        "course_search_shard_pages",
        0,
        "",
        types=frozenset({int}),
        description="Pages per search shard; 0 (the default) sizes shards by the pages indexed "
        "(search.shard_count). Changing it re-indexes every shard, and no page.",
    )
    app.add_config_value(
        "course_search_one_index",
        False,
        "",
        types=frozenset({bool}),
        description="One index, no shards: what a reader downloads for a first query is "
        "smallest. `make site` (the published site, always a fresh build, where shards "
        "save nothing) sets it; shards speed up a rebuild after an edit.",
    )
    app.connect("builder-inited", add_static)
    app.connect("html-page-context", mark_page, priority=450)
    app.connect("html-page-context", allow_wasm, priority=600)  # after the policy is added
    app.connect("build-finished", build_index, priority=800)  # before the output scan
