"""Contributed pages are untrusted input: what the build refuses, whatever ``check`` says.

- Page-level parser settings (``myst:``, ``substitutions:``, ``html_meta:``)
  are blanked out of the source before MyST reads them (MyST would apply
  them: raw HTML back on, Jinja substitutions evaluated unsandboxed).
- Docutils raw output and file insertion are off for every page (``raw``,
  ``include``, ``literalinclude``, ``csv-table :file:/:url:``), and MyST's
  own HTML syntax is disabled in ``conf.py`` (``myst_disable_syntax``).
- After parsing, links and images are checked: only http(s)/mailto links
  and relative targets survive, images and downloads must stay inside
  ``docs/``, and ``http-equiv`` meta tags are dropped.
- Graphviz diagrams must be inline (no file argument) and may not point DOT
  at files or URLs (``image``, ``imagepath``, ``fontpath``, ``shapefile``,
  ``URL``/``href``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.ext import graphviz as sphinx_graphviz
from sphinx.ext.graphviz import Graphviz
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from tools.course.frontmatter import (
    parser_setting_problems,
    read_front_matter,
    strip_parser_settings,
)
from tools.course.safety import SAFE_SCHEMES, unsafe_scheme

from .report import warn_problem

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

_DOT_FILE_ATTRS = re.compile(r"\b(image|imagepath|fontpath|shapefile|URL|href)\s*=", re.IGNORECASE)


def refuse_parser_settings(app: Sphinx, docname: str, source: list[str]) -> None:
    fm, _ = read_front_matter(source[0])
    problems = parser_setting_problems(fm)
    if not problems or fm is None:
        return
    for problem in problems:
        warn_problem(docname, problem, "unsafe")
    source[0] = strip_parser_settings(source[0], fm)


def lock_down_myst(app: Sphinx, config: Config) -> None:
    """MyST's raw-HTML syntax stays off, whatever conf.py says (docutils settings alone don't stop it)."""
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


def lock_down_settings(app: Sphinx) -> None:
    """No raw output and no file insertion for any page, whatever it asks for."""
    app.env.settings["raw_enabled"] = False
    app.env.settings["file_insertion_enabled"] = False


class UnsafeContentFilter(SphinxTransform):
    """Drop links, images, downloads and meta tags that could run script or leak files."""

    default_priority = 100  # before Sphinx's image and download collectors see the doctree

    def apply(self, **kwargs: Any) -> None:
        srcdir = Path(self.env.srcdir).resolve()
        docdir = Path(self.env.doc2path(self.env.current_document.docname)).parent
        for ref in list(self.document.findall(nodes.reference)):
            scheme = unsafe_scheme(ref.get("refuri", ""))
            if scheme:
                self._warn(ref, f"link with a {scheme!r} URL removed")
                ref.replace_self(nodes.inline("", ref.astext()))
        for image in list(self.document.findall(nodes.image)):
            uri = image.get("uri", "")
            if unsafe_scheme(uri) or ("://" not in uri and not self._inside(srcdir, docdir, uri)):
                self._warn(image, f"image {uri!r} removed: images must be files inside docs/")
                image.parent.remove(image)
        for ref in list(self.document.findall(addnodes.download_reference)):
            target = ref.get("reftarget", "")
            if unsafe_scheme(target) or (
                "://" not in target and not self._inside(srcdir, docdir, target)
            ):
                self._warn(ref, f"download {target!r} removed: files must be inside docs/")
                ref.replace_self(nodes.inline("", ref.astext()))
        for meta in list(self.document.findall(nodes.meta)):
            if any(k.lower() == "http-equiv" for k in meta.attributes):
                self._warn(meta, "http-equiv meta tag removed")
                meta.parent.remove(meta)

    @staticmethod
    def _inside(srcdir: Path, docdir: Path, target: str) -> bool:
        base = srcdir if target.startswith("/") else docdir
        candidate = (base / target.lstrip("/")).resolve()
        return candidate == srcdir or srcdir in candidate.parents

    def _warn(self, node: nodes.Node, message: str) -> None:
        logger.warning(message, location=node, type="course", subtype="unsafe")


class SafeGraphviz(Graphviz):
    """``graphviz`` with inline DOT only, and no DOT attributes that reach files or URLs."""

    def run(self) -> list[nodes.Node]:
        if self.arguments:
            return [
                self.state.document.reporter.warning(
                    "graphviz: diagrams must be written inline; file arguments are not allowed",
                    line=self.lineno,
                )
            ]
        if not self.options.get("alt", "").strip():
            logger.warning(
                "graphviz: the diagram has no :alt: text; describe what it shows",
                location=(self.env.current_document.docname, self.lineno),
                type="course",
                subtype="alt",
            )
        bad = _DOT_FILE_ATTRS.search("\n".join(self.content))
        if bad:
            return [
                self.state.document.reporter.warning(
                    f"graphviz: the DOT attribute {bad.group(1)!r} is not allowed "
                    "(it can read files or add links)",
                    line=self.lineno,
                )
            ]
        return super().run()


def html_visit_graphviz_escaped(self: Any, node: sphinx_graphviz.graphviz) -> None:
    """Sphinx writes a diagram's ``alt`` into HTML unescaped: a quote in it could add
    attributes (``onerror=...``) to the image. Escape it first."""
    alt = node.get("alt")
    if alt is not None:
        node["alt"] = html.escape(alt, quote=True)
    try:
        sphinx_graphviz.html_visit_graphviz(self, node)
    finally:
        if alt is not None:
            node["alt"] = alt


def setup_guard(app: Sphinx) -> None:
    app.connect("source-read", refuse_parser_settings, priority=100)
    app.connect("config-inited", lock_down_myst, priority=900)
    app.connect("builder-inited", lock_down_settings)
    app.add_transform(UnsafeContentFilter)
    app.add_directive("graphviz", SafeGraphviz, override=True)
    app.add_node(
        sphinx_graphviz.graphviz,
        override=True,
        html=(html_visit_graphviz_escaped, None),
        latex=(sphinx_graphviz.latex_visit_graphviz, None),
        texinfo=(sphinx_graphviz.texinfo_visit_graphviz, None),
        text=(sphinx_graphviz.text_visit_graphviz, None),
        man=(sphinx_graphviz.man_visit_graphviz, None),
    )
