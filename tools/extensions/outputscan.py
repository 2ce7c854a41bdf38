"""Defence in depth: what the build may read, what a written page may contain, what may run.

The guard and the page reader stop unsafe input early; this module assumes
one of them missed a case and checks around it:

- Symbolic links under the source folder are refused before anything is read
  (``tools/course/sourcetree.py``): an error naming each, and the linked files
  are excluded, so they are never read, published or listed in the sitemap; a
  linked image or download is dropped before it would be copied. A page that
  is not UTF-8 is left out the same way, with an error at its line (Sphinx
  would stop the whole build with a traceback before any check saw it).
- Every page gets a Content-Security-Policy ``<meta>``: scripts only from the
  site itself plus the theme's own inline scripts (by hash), no plugins, no
  frames, no ``<base>``, forms only to the site. An injected ``javascript:``
  link or ``onclick`` handler then does not run even if it got through.
- After an HTML build, every written HTML and SVG file is parsed (the stdlib
  parser, one pass per file) and the build fails, naming file:line, if it finds
  a URL attribute with a scheme outside http/https/mailto, an inline event
  handler, a script that is not one of ours, a frame, object, embed, ``<base>``
  or refresh, a resource loaded from another site, or active content among the
  downloads. Each is an error, and the build exits 1 even without ``-W`` (as
  Read the Docs builds), so neither Read the Docs nor the Pages job publishes.

``course_csp`` and ``course_url_filter`` (read by the guard's URL filter) exist
for the browser tests only, which try each layer with the other one off; both
default to on, and the site's configuration never sets them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from tools.course.files import write_text_atomic
from tools.course.reader import read_bytes
from tools.course.safety import SAFE_SCHEMES, normalize_url
from tools.course.sourcetree import (
    exclude_patterns,
    is_linked,
    symlink_problems,
    undecodable_pages,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: Attributes whose value a browser follows or loads.
URL_ATTRIBUTES = frozenset(
    {"href", "src", "xlink:href", "action", "formaction", "data", "poster", "background"}
)
#: Elements that embed another document or change how every URL resolves.
FORBIDDEN_ELEMENTS = frozenset(
    {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
)
#: Elements whose URL attribute makes the browser fetch something on page load.
LOADING_ELEMENTS = frozenset(
    {"img", "script", "iframe", "video", "audio", "source", "track", "embed", "input", "image"}
)
#: ``<link rel=...>`` values that fetch the target on page load.
LOADING_RELS = frozenset(
    {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon"}
)
#: Downloads a browser would render as a page of the site (and run its scripts).
ACTIVE_DOWNLOADS = frozenset(
    {".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".js", ".mjs"}
)
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_scheme(url: str) -> str | None:
    """The lower-cased scheme of *url* as a browser reads it, or None for a relative URL."""
    match = _SCHEME.match(normalize_url(url))
    return match.group(1).lower() if match else None


def script_hash(body: str) -> str:
    """The CSP source expression that allows one inline script."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(inline_hashes: frozenset[str]) -> str:
    """The policy every page carries (no 'unsafe-inline' for scripts)."""
    scripts = " ".join(["'self'", *sorted(inline_hashes)])
    return (
        "default-src 'self'; "
        f"script-src {scripts}; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; "
        "object-src 'none'; "
        "base-uri 'self'; "
        "form-action 'self'; "
        "frame-src 'none'"
    )


@dataclass(frozen=True)
class OutputProblem:
    path: Path
    line: int
    message: str

    def text(self, root: Path) -> str:
        return f"{self.path.relative_to(root).as_posix()}:{self.line}: {self.message}"


class _InlineScripts(HTMLParser):
    """The bodies of attribute-less inline ``<script>`` elements (used on theme templates)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bodies: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not attrs:
            self._open = []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.bodies.append("".join(self._open))
            self._open = None


def theme_inline_scripts(template_dirs: list[str]) -> frozenset[str]:
    """Hashes of the theme's fixed inline scripts (those with no template code inside)."""
    hashes: set[str] = set()
    for folder in template_dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            parser = _InlineScripts()
            parser.feed(path.read_text(encoding="utf-8"))
            parser.close()
            hashes.update(
                script_hash(body) for body in parser.bodies if "{{" not in body and "{%" not in body
            )
    return frozenset(hashes)


class _PageScan(HTMLParser):
    """One pass over one written file, collecting what it must not contain."""

    def __init__(self, site: Path, page: Path, inline_hashes: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.site = site
        self.page = page
        self.inline_hashes = inline_hashes
        self.problems: list[tuple[int, str]] = []
        self._script: list[str] | None = None
        self._script_line = 0

    def _add(self, message: str) -> None:
        self.problems.append((self.getpos()[0], message))

    def at_rest(self) -> bool:
        """Between tags, in ordinary text, with nothing buffered: the next piece parses alone."""
        return not self.rawdata and self.cdata_elem is None and self._script is None

    def skip(self, text: str, start: int, end: int) -> None:
        """Account for ``text[start:end]``, known to parse cleanly from rest, without parsing it."""
        self.lineno += text.count("\n", start, end)
        newline = text.rfind("\n", start, end)
        self.offset = end - newline - 1 if newline >= 0 else self.offset + end - start

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in FORBIDDEN_ELEMENTS:
            self._add(f"<{tag}> is not allowed on the site")
        if tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
            self._add('<meta http-equiv="refresh"> is not allowed on the site')
        if tag in {"set", "animate"} and values.get("attributename", "").endswith("href"):
            self._add(f"<{tag}> may not change a link")
        for name, value in attrs:
            if name.startswith("on"):
                self._add(f"inline event handler {name}= is not allowed")
            elif name in URL_ATTRIBUTES:
                self._check_url(tag, name, value or "", values)
        if tag == "script":
            self._check_script(values)

    def _check_url(self, tag: str, name: str, value: str, values: dict[str, str]) -> None:
        scheme = url_scheme(value)
        if scheme is not None and scheme not in SAFE_SCHEMES:
            self._add(f'{name}="{value[:60]}" on <{tag}> uses the {scheme}: scheme')
            return
        if tag == "link":
            loads = not LOADING_RELS.isdisjoint(values.get("rel", "").lower().split())
        else:  # a script's source is checked whole, below
            loads = tag in LOADING_ELEMENTS and tag != "script"
        external = scheme is not None or normalize_url(value).startswith(("//", "\\\\", "/\\"))
        if loads and external:
            self._add(f'<{tag} {name}="{value[:60]}"> loads from another site')

    def _check_script(self, values: dict[str, str]) -> None:
        src = values.get("src")
        if src is None:
            self._script = []
            self._script_line = self.getpos()[0]
        elif not self._ours(src):
            self._add(f'<script src="{src[:60]}"> is not one of the site\'s scripts')

    def _ours(self, src: str) -> bool:
        """A script file the build itself put in ``_static/`` (or the search index)."""
        url = normalize_url(src).split("?", 1)[0].split("#", 1)[0]
        if url_scheme(url) is not None or url.startswith("//") or "\\" in url:
            return False
        if url.startswith("/"):  # the 404 page links absolutely, under the site's prefix
            _, found, rest = url.partition("/_static/")
            return bool(found) and (self.site / "_static" / rest).is_file()
        target = Path(os.path.normpath(self.page.parent / url))
        if not target.is_file() or not target.is_relative_to(self.site):
            return False
        rel = target.relative_to(self.site).parts
        return rel[0] == "_static" or rel == ("searchindex.js",)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            body = "".join(self._script)
            self._script = None
            if script_hash(body) not in self.inline_hashes:
                self.problems.append(
                    (self._script_line, f"inline <script> that is not the theme's: {body[:60]!r}")
                )


def scan_file(
    path: Path, site: Path, inline_hashes: frozenset[str], seen: set[str] | None = None
) -> list[OutputProblem]:
    """Problems in one written HTML or SVG file.

    *seen* holds pieces of markup (each up to a ``>``) already parsed
    from the parser's resting state, in a file of the same folder, with nothing
    found: such a piece is skipped when the parser is at rest again. The theme's
    navigation repeats on every page, so this keeps a 1,000-page scan cheap, and
    it is exact: a piece is only skipped where parsing it again would change no
    state and find nothing.
    """
    parser = _PageScan(site=site, page=path, inline_hashes=inline_hashes)
    clean = set() if seen is None else seen
    text = path.read_text(encoding="utf-8", errors="replace")
    *pieces, tail = text.split(">")  # each piece was followed by a ">"
    known = clean.__contains__
    resting, position, parsed_to = True, 0, 0
    for piece in pieces:
        if resting and known(piece):
            position += len(piece) + 1
            continue
        if parsed_to != position:
            parser.skip(text, parsed_to, position)
        found = len(parser.problems)
        parser.feed(piece + ">")
        position = parsed_to = position + len(piece) + 1
        was_resting, resting = resting, parser.at_rest()
        if was_resting and resting and len(parser.problems) == found and len(piece) < 400:
            clean.add(piece)
    if parsed_to != position:
        parser.skip(text, parsed_to, position)
    parser.feed(tail)
    parser.close()
    return [OutputProblem(path, line, message) for line, message in parser.problems]


def _scan_batch(
    batch: list[Path], site: Path, inline_hashes: frozenset[str]
) -> list[OutputProblem]:
    problems: list[OutputProblem] = []
    seen: dict[Path, set[str]] = {}
    for path in batch:
        problems += scan_file(path, site, inline_hashes, seen.setdefault(path.parent, set()))
    return problems


#: What a scan depends on besides the file: this module's code (the rules).
_RULES = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@dataclass
class ScanCache:
    """What the last scans found in each file, by the file's size and modification time.

    A build rewrites only the pages that changed; an unchanged file (same size,
    same ``mtime_ns``) keeps its earlier findings, problems included, so a page
    stays an error until it is fixed. Any change of the rules or of the theme's
    allowed inline scripts starts afresh.
    """

    key: str = ""
    files: dict[str, tuple[int, int, list[tuple[int, str]]]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, key: str) -> ScanCache:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(key)
        if not isinstance(data, dict) or data.get("key") != key:
            return cls(key)
        files = {
            name: (int(m), int(n), [(int(line), str(msg)) for line, msg in found])
            for name, (m, n, found) in data.get("files", {}).items()
        }
        return cls(key, files)

    def save(self, path: Path) -> None:
        write_text_atomic(path, json.dumps({"key": self.key, "files": self.files}))


def cache_key(inline_hashes: frozenset[str]) -> str:
    return hashlib.sha256("\n".join([_RULES, *sorted(inline_hashes)]).encode()).hexdigest()


def scan_site(
    site: Path, inline_hashes: frozenset[str], jobs: int = 1, cache: ScanCache | None = None
) -> list[OutputProblem]:
    """Problems in every HTML and SVG file under *site*, and active content among its downloads.

    Linear in the size of the site; with *jobs* > 1 the files are parsed in
    that many processes (the parse is the whole cost). With a *cache*, only
    files changed since it was filled are parsed, and the cache is brought up
    to date with what the site holds now.
    """
    problems: list[OutputProblem] = []
    pages: list[Path] = []
    kept: dict[str, tuple[int, int, list[tuple[int, str]]]] = {}
    stamps: dict[Path, tuple[int, int]] = {}
    # Strings, not Path objects, for the walk: at 10,000 pages a no-change
    # rebuild spent more time building paths here than reading stamps.
    for folder, _, filenames in os.walk(site):
        inside = os.path.relpath(folder, site)
        prefix = "" if inside == "." else inside.replace(os.sep, "/") + "/"
        downloads = "_downloads" in prefix.split("/")
        for name in sorted(filenames):
            suffix = os.path.splitext(name)[1].lower()
            if downloads and suffix in ACTIVE_DOWNLOADS:
                problems.append(
                    OutputProblem(
                        Path(folder, name), 1, f"a {suffix} download would run on the site"
                    )
                )
            elif suffix in {".html", ".htm", ".svg"}:
                stat = os.stat(os.path.join(folder, name))
                stamp = (stat.st_mtime_ns, stat.st_size)
                rel = prefix + name
                earlier = cache.files.get(rel) if cache is not None else None
                if earlier is not None and earlier[:2] == stamp:
                    kept[rel] = earlier
                    if earlier[2]:
                        path = Path(folder, name)
                        problems += [OutputProblem(path, line, msg) for line, msg in earlier[2]]
                else:
                    path = Path(folder, name)
                    pages.append(path)
                    stamps[path] = stamp
    found: list[OutputProblem] = []
    if jobs > 1 and len(pages) > 4 * jobs:
        size = -(-len(pages) // jobs)  # contiguous, so a folder's pages share one cache
        batches = [pages[i : i + size] for i in range(0, len(pages), size)]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            for batch in pool.map(
                _scan_batch, batches, [site] * len(batches), [inline_hashes] * len(batches)
            ):
                found += batch
    else:
        found += _scan_batch(pages, site, inline_hashes)
    problems += found
    if cache is not None:
        by_file: dict[Path, list[tuple[int, str]]] = {path: [] for path in pages}
        for problem in found:
            by_file[problem.path].append((problem.line, problem.message))
        for path, listed in by_file.items():
            kept[path.relative_to(site).as_posix()] = (*stamps[path], listed)
        cache.files = kept  # files gone from the site are forgotten
    return sorted(problems, key=lambda p: (p.path, p.line))


def _inline_hashes(app: Sphinx) -> frozenset[str]:
    theme: Any = getattr(app.builder, "theme", None)
    return theme_inline_scripts(theme.get_theme_dirs() if theme is not None else [])


def add_policy(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The CSP ``<meta>``, first among the page's meta tags (before any script)."""
    if not app.config.course_csp:
        return
    hashes: frozenset[str] = getattr(app.builder, "_course_inline_hashes", frozenset())
    if not hashes:
        hashes = _inline_hashes(app)
        app.builder._course_inline_hashes = hashes  # type: ignore[attr-defined]
    policy = content_security_policy(hashes)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
    context["metatags"] = meta + context.get("metatags", "")


def scan_output(app: Sphinx, exception: BaseException | None) -> None:
    """Each unsafe thing is an error at file:line, and the build exits 1 even without -W."""
    if exception is not None or app.builder.format != "html":
        return
    site = Path(app.outdir)
    hashes = _inline_hashes(app)
    # One cache per output folder (the handout and EPUB builders scan their own).
    store = (
        Path(app.doctreedir)
        / f"course-output-scan-{hashlib.sha1(str(site).encode()).hexdigest()[:12]}.json"
    )
    cache = ScanCache.load(store, cache_key(hashes))
    problems = scan_site(site, hashes, jobs=min(os.cpu_count() or 1, 4), cache=cache)
    cache.save(store)
    for problem in problems:
        logger.error(
            "%s (the page's source got past the guard: please report it, see SECURITY.md)",
            problem.message,
            location=f"{problem.path}:{problem.line}",
            type="course",
            subtype="unsafe_output",
        )
    if problems:
        app.statuscode = 1  # hosts publish only a build that exits 0


def refuse_unreadable_sources(app: Sphinx, config: Config) -> None:
    """Symlinks and pages that are not UTF-8 are errors, and are never read."""
    srcdir = Path(app.srcdir)
    links = symlink_problems(srcdir)
    for path, message in links:
        logger.error(
            message,
            location=f"{path}:1",  # a committed symlink is one line: its target
            type="course",
            subtype="symlink",
        )
    cache = Path(app.doctreedir, "course-clean-sources.json")
    try:
        known = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    undecodable = undecodable_pages(srcdir, known=known)
    write_text_atomic(cache, json.dumps(known))
    for path in undecodable:
        for problem in read_bytes(path.read_bytes())[1]:
            logger.error(
                "%s [%s]",
                problem.message,
                problem.code,
                location=f"{path}:{problem.line}",
                type="course",
                subtype="unsafe",
            )
    refused = [path for path, _ in links] + undecodable
    config.exclude_patterns = [*config.exclude_patterns, *exclude_patterns(srcdir, refused)]


def drop_linked_files(app: Sphinx, env: BuildEnvironment) -> None:
    """Images and downloads that are (or sit under) a symlink are not copied into the site."""
    srcdir = Path(app.srcdir)
    for image in [name for name in env.images if is_linked(srcdir, srcdir / name)]:
        del env.images[image]
    for download in [name for name in env.dlfiles if is_linked(srcdir, srcdir / name)]:
        del env.dlfiles[download]


def setup_outputscan(app: Sphinx) -> None:
    # Test-only switches: the browser tests check each layer with the other one off.
    app.add_config_value("course_csp", True, "html", types=frozenset({bool}))
    if "course_url_filter" not in app.config:
        app.add_config_value("course_url_filter", True, "env", types=frozenset({bool}))
    app.connect("config-inited", refuse_unreadable_sources, priority=50)
    app.connect("env-updated", drop_linked_files)
    app.connect("html-page-context", add_policy)
    # After everything else that writes at the end (sitemap, 404 page, search index).
    app.connect("build-finished", scan_output, priority=900)
