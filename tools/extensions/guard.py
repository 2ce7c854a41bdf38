"""Contributed pages are untrusted input: what the build refuses, whatever ``check`` says.

The allowlists live in ``tools/course/safety.py`` (``course check`` applies
the same ones); this module enforces them inside the build, each on its own:

- Page-level parser settings (``myst:``, ``substitutions:``, ``html_meta:``)
  are blanked out of the source before MyST reads them.
- Docutils raw output and file insertion are off for every page, MyST's own
  HTML syntax is disabled (pages that are symbolic links: outputscan.py).
- After parsing (``UnsafeContentFilter``): links, images, downloads, maths
  and toctree entries are checked; images and downloads must be files inside
  ``docs/`` reached without a symbolic link, SVG images must pass the SVG
  allowlist, maths must use listed commands only.
- Last, once every reference, bibliography entry and listing exists (the
  last ``doctree-resolved`` handler, after every post-transform), every link
  is checked again: what a later step built cannot slip past the first check.
- Graphviz: the DOT is parsed and only listed attributes are kept (also at
  write time, whichever directive made the node), and ``dot`` runs through
  ``safe_dot.sh`` with memory, CPU and time limits.
- The bibliography's link fields are checked when the build starts.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.ext import graphviz as sphinx_graphviz
from sphinx.ext.graphviz import Graphviz
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from tools.course.files import write_text_atomic
from tools.course.safety import (
    SAFE_SCHEMES,
    bib_field_problem,
    bib_problems,
    directive_problems,
    download_problem,
    math_problems,
    normalize_url,
    sanitize_dot,
    svg_problems,
    url_problem,
)

from .diagrams import render_svg_diagram

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

#: Image files a page may show (SVG only after the SVG allowlist).
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
#: The ``dot`` wrapper with resource limits (run by Sphinx for every diagram).
SAFE_DOT = Path(__file__).resolve().with_name("safe_dot.sh")


def lock_down_config(app: Sphinx, config: Config) -> None:
    """Settings a page must not be able to get round, whatever conf.py says.

    MyST's raw-HTML syntax off and only safe link schemes; diagrams drawn by
    the limited ``dot``; maths as MathML (no MathJax script from a CDN); no
    link from an image to its raw file.
    """
    disabled = list(getattr(config, "myst_disable_syntax", []) or [])
    for rule in ("html_block", "html_inline"):
        if rule not in disabled:
            disabled.append(rule)
    config.myst_disable_syntax = disabled
    schemes = getattr(config, "myst_url_schemes", None)
    if schemes is None or isinstance(schemes, (list, tuple)):
        config.myst_url_schemes = {s: None for s in (schemes or SAFE_SCHEMES) if s in SAFE_SCHEMES}
    else:
        config.myst_url_schemes = {k: v for k, v in dict(schemes).items() if k in SAFE_SCHEMES}
    config.graphviz_dot = str(SAFE_DOT)
    config.html_scaled_image_link = False
    config.html_math_renderer = "mathml"


def lock_down_settings(app: Sphinx) -> None:
    """No raw output and no file insertion for any page, whatever it asks for."""
    app.env.settings["raw_enabled"] = False
    app.env.settings["file_insertion_enabled"] = False


def _bib_problems_once(path: Path, cache: Path) -> list[tuple[int, str]]:
    """:func:`bib_problems` of *path*, kept in *cache* by the file's digest: parsing the
    bibliography takes most of a second, on every build, for a file that rarely changes."""
    key = hashlib.sha256(path.read_bytes()).hexdigest()
    with contextlib.suppress(OSError, ValueError):
        kept = json.loads(cache.read_text(encoding="utf-8"))
        if kept.get("digest") == key:
            return [(int(line), str(message)) for line, message in kept["problems"]]
    problems = bib_problems(path)
    write_text_atomic(cache, json.dumps({"digest": key, "problems": problems}))
    return problems


def check_bibliography(app: Sphinx) -> None:
    """Every link in the bibliography is checked like a page's links, at file:line
    (on every build, so a problem is reported again until it is fixed)."""
    for number, bibfile in enumerate(getattr(app.config, "bibtex_bibfiles", None) or []):
        path = Path(app.confdir, bibfile)
        if not path.is_file():
            continue  # sphinxcontrib-bibtex reports a missing file itself
        cache = Path(app.doctreedir, f"course-bib-problems-{number}.json")
        for line, message in _bib_problems_once(path, cache):
            logger.warning(
                "%s; the link is not published",
                message,
                location=f"{path}:{line}",
                type="course",
                subtype="unsafe",
            )


def strip_unsafe_bib_fields(app: Sphinx) -> None:
    """Unsafe fields are deleted from sphinxcontrib-bibtex's parsed data, so they
    reach no page, not even as text (runs after bibtex has read the files)."""
    if "cite" not in app.env.domains:
        return
    bibdata: Any = app.env.domains["cite"].data.get("bibdata")
    for entry in getattr(getattr(bibdata, "data", None), "entries", {}).values():
        for field in [f for f, v in entry.fields.items() if bib_field_problem(f, v)]:
            del entry.fields[field]


def _warn(node: nodes.Node, message: str) -> None:
    logger.warning(message, location=node, type="course", subtype="unsafe")


def _unlink(ref: nodes.Element, target: str) -> None:
    """Keep what a link shows, drop where it goes (and the whole link when what it
    shows is the refused URL itself, as sphinx-design's hidden link text is)."""
    if normalize_url(ref.astext()) == normalize_url(target):
        ref.parent.remove(ref)
    else:
        ref.replace_self(nodes.inline("", "", *ref.children))


#: What :func:`drop_unsafe_links` looks at (``download_reference`` is a ``reference``).
_LINKING = (nodes.reference, nodes.target, nodes.image, addnodes.toctree)


def _attached(node: nodes.Node, root: nodes.Node) -> bool:
    """Whether *node* is still in *root*'s tree (not inside a link already removed)."""
    while node is not root:
        parent = node.parent
        if parent is None or node not in parent.children:  # remove() keeps .parent
            return False
        node = parent
    return True


def drop_unsafe_links(doctree: nodes.Node) -> None:
    """Links, link targets, images, downloads and toctree entries whose URL is not allowed.

    One walk of the tree (it runs on every page as it is written, in the main
    process of a parallel build), in document order.
    """
    for node in list(doctree.findall(lambda n: isinstance(n, _LINKING))):
        if not _attached(node, doctree):
            continue
        if isinstance(node, nodes.reference):
            if why := url_problem(node.get("refuri", "")):
                _warn(node, f"link removed: {why}")
                _unlink(node, node["refuri"])
            elif isinstance(node, addnodes.download_reference) and (
                why := url_problem(node.get("reftarget", ""), kind="download")
            ):
                _warn(node, f"download removed: {why}")
                _unlink(node, node["reftarget"])
        elif isinstance(node, nodes.target):
            if why := url_problem(node.get("refuri", "")):
                _warn(node, f"link target removed: {why}")
                del node["refuri"]
        elif isinstance(node, nodes.image):
            if why := url_problem(node.get("uri", ""), kind="image"):
                _warn(node, f"image removed: {why}")
                node.parent.remove(node)
        elif isinstance(node, addnodes.toctree):
            kept = []
            for title, ref in node["entries"]:
                if why := url_problem(ref):
                    _warn(node, f"toctree entry {title or ref!r} removed: {why}")
                else:
                    kept.append((title, ref))
            node["entries"] = kept


def _local_file_problem(srcdir: Path, docname: str, target: str) -> str | None:
    """None when ``target`` (as a page writes it) is a real file inside docs/,
    reached without any symbolic link."""
    base = srcdir if target.startswith("/") else srcdir / posixpath.dirname(docname)
    path = Path(os.path.normpath(base / target.lstrip("/")))
    resolved = path.resolve()
    if srcdir not in path.parents or srcdir not in resolved.parents:
        return "it is outside docs/"
    for part in [path, *path.parents]:
        if part == srcdir:
            break
        if part.is_symlink():
            return "it is reached through a symbolic link"
    return None


class UnsafeContentFilter(SphinxTransform):
    """Drop what a page could use to run script, leak files or reach outside docs/."""

    default_priority = 100  # before doctree-read, where Sphinx collects images and toctrees

    def apply(self, **kwargs: Any) -> None:
        srcdir = Path(self.env.srcdir).resolve()
        docname = self.env.current_document.docname
        if self.config.course_url_filter:
            drop_unsafe_links(self.document)
        for image in list(self.document.findall(nodes.image)):
            if why := self._image_problem(srcdir, docname, image["uri"]):
                _warn(image, f"image {image['uri']!r} removed: {why}")
                image.parent.remove(image)
        for down in list(self.document.findall(addnodes.download_reference)):
            target = down.get("reftarget", "")
            why = download_problem(target) or _local_file_problem(srcdir, docname, target)
            if why:
                _warn(down, f"download {target!r} removed: {why}")
                _unlink(down, target)
        for formula in list(self.document.findall(nodes.math)) + list(
            self.document.findall(nodes.math_block)
        ):
            if problems := self._math_problems(formula):
                for problem in problems:
                    _warn(formula, f"maths removed: {problem}")
                formula.parent.remove(formula)
        for meta in list(self.document.findall(nodes.meta)):
            if any(k.lower() == "http-equiv" for k in meta.attributes):
                _warn(meta, "http-equiv meta tag removed")
                meta.parent.remove(meta)

    @staticmethod
    def _image_problem(srcdir: Path, docname: str, uri: str) -> str | None:
        if "*" in uri:
            return "name the image file itself (no '*')"
        if why := _local_file_problem(srcdir, docname, uri):
            return why
        path = (
            srcdir if uri.startswith("/") else srcdir / posixpath.dirname(docname)
        ) / uri.lstrip("/")
        if path.suffix.lower() not in IMAGE_EXTENSIONS:
            return f"images must be {', '.join(sorted(IMAGE_EXTENSIONS))} files"
        if path.suffix.lower() == ".svg" and path.is_file():
            problems = svg_problems(path.read_bytes())
            return "; ".join(problems) if problems else None
        return None

    @staticmethod
    def _math_problems(formula: nodes.Element) -> list[str]:
        problems = math_problems(formula.astext())
        if isinstance(formula, nodes.math_block):
            if formula.get("nowrap") or formula.get("no-wrap"):
                problems.append(":nowrap: is not allowed (the formula is wrapped for you)")
            if label := formula.get("label"):
                problems += [m for _, m in directive_problems("math", "", {"label": label}, "")]
        return problems


def drop_unsafe_links_last(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The last look before writing, after every post-transform (references, bibliography
    lists, sphinx-design's cards) and every other ``doctree-resolved`` handler (listings)."""
    if app.config.course_url_filter:
        drop_unsafe_links(doctree)


class SafeGraphviz(Graphviz):
    """``graphviz`` with inline DOT only, and only the DOT attributes on the allowlist."""

    def run(self) -> list[nodes.Node]:
        options = {
            k: " ".join(v) if isinstance(v, list) else str(v) for k, v in self.options.items()
        }
        code = "\n".join(self.content)
        problems = directive_problems("graphviz", " ".join(self.arguments), options, code)
        if refused := [message for offset, message in problems if offset == 0]:
            return [
                self.state.document.reporter.warning(message, line=self.lineno)
                for message in refused
            ]
        if not self.options.get("alt", "").strip():
            logger.warning(
                "graphviz: the diagram has no :alt: text; describe what it shows",
                location=(self.env.current_document.docname, self.lineno),
                type="course",
                subtype="alt",
            )
        safe, dropped = sanitize_dot(code)
        for message in dropped:
            logger.warning(
                message,
                location=(self.env.current_document.docname, self.lineno),
                type="course",
                subtype="unsafe",
            )
        if not safe:
            return []
        self.content = StringList(safe.splitlines(), source=self.content.source(0))
        return super().run()


class RefusedDirective(sphinx_graphviz.GraphvizSimple):
    """Sphinx's short ``graph``/``digraph`` directives: not on the allowlist."""

    def run(self) -> list[nodes.Node]:
        return [
            self.state.document.reporter.warning(
                f"the directive {{{self.name}}} is not allowed; use {{graphviz}}",
                line=self.lineno,
            )
        ]


def _safe_graphviz_node(node: sphinx_graphviz.graphviz) -> None:
    """Whichever directive made the node: only sanitised DOT reaches ``dot``, and only our ``dot``."""
    node["code"] = sanitize_dot(node["code"])[0] or "digraph {}"
    node["options"] = {"docname": node["options"].get("docname", "index")}
    node.attributes.pop("filename", None)


_SPHINX_ESCAPES_ALT: bool | None = None


def _sphinx_escapes_alt(self: Any, node: sphinx_graphviz.graphviz) -> bool:
    """Whether this Sphinx escapes a diagram's alt text itself (it did not up to 9.0):
    render the node once with a quote as alt, and look."""
    global _SPHINX_ESCAPES_ALT
    if _SPHINX_ESCAPES_ALT is None:
        start = len(self.body)
        with contextlib.suppress(nodes.SkipNode):  # Sphinx's visitors end by skipping
            sphinx_graphviz.render_dot_html(self, node, node["code"], node["options"], alt='"')
        written = "".join(self.body[start:])
        del self.body[start:]
        if 'alt="' not in written:
            return False  # dot failed: decide on the next diagram
        _SPHINX_ESCAPES_ALT = 'alt="&quot;"' in written
    return _SPHINX_ESCAPES_ALT


def html_visit_graphviz(self: Any, node: sphinx_graphviz.graphviz) -> None:
    """Sanitised DOT, and an ``alt`` that cannot add attributes to the image."""
    _safe_graphviz_node(node)
    if self.builder.config.graphviz_output_format == "svg":
        render_svg_diagram(self, node)  # escapes alt itself; inline only allowlisted SVG
    alt = node.get("alt")
    if alt is not None and not _sphinx_escapes_alt(self, node):
        node["alt"] = html.escape(alt, quote=True)
    try:
        sphinx_graphviz.html_visit_graphviz(self, node)
    finally:
        if alt is not None:
            node["alt"] = alt


def latex_visit_graphviz(self: Any, node: sphinx_graphviz.graphviz) -> None:
    _safe_graphviz_node(node)
    sphinx_graphviz.latex_visit_graphviz(self, node)


def texinfo_visit_graphviz(self: Any, node: sphinx_graphviz.graphviz) -> None:
    _safe_graphviz_node(node)
    sphinx_graphviz.texinfo_visit_graphviz(self, node)


def setup_guard(app: Sphinx) -> None:
    app.connect("config-inited", lock_down_config, priority=900)
    app.connect("builder-inited", lock_down_settings)
    app.connect("builder-inited", check_bibliography)
    app.connect("builder-inited", strip_unsafe_bib_fields, priority=800)
    app.connect("doctree-resolved", drop_unsafe_links_last, priority=999)
    app.add_transform(UnsafeContentFilter)
    app.add_directive("graphviz", SafeGraphviz, override=True)
    app.add_directive("graph", RefusedDirective, override=True)
    app.add_directive("digraph", RefusedDirective, override=True)
    app.add_node(
        sphinx_graphviz.graphviz,
        override=True,
        html=(html_visit_graphviz, None),
        latex=(latex_visit_graphviz, None),
        texinfo=(texinfo_visit_graphviz, None),
        text=(sphinx_graphviz.text_visit_graphviz, None),
        man=(sphinx_graphviz.man_visit_graphviz, None),
    )
