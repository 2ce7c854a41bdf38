"""Diagrams that stay readable on a phone and in dark mode.

A ``graphviz`` diagram is drawn as SVG (``graphviz_output_format = "svg"``)
and written into the page as inline ``<svg>`` rather than Sphinx's
``<object>`` (which the output scan refuses): text stays text, and reader.css
recolours lines, arrows and labels from the theme's CSS variables, so dark
mode shows no white block. The drawing is never narrower than the width at
which its smallest label is ``MIN_LABEL_PX`` CSS pixels; a wider drawing
scrolls sideways inside its own box, and reader.js offers a full-screen view.

Only ``dot``'s own output for sanitised DOT is inlined, and only if it passes
the SVG allowlist (tools/course/safety.py); otherwise it is an ``<img>``.
Handouts get an ``<img>`` of the same SVG (the PDF tags it as a figure).
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from defusedxml.ElementTree import fromstring as parse_xml
from docutils import nodes
from sphinx.ext.graphviz import GraphvizError, render_dot
from sphinx.util import logging

from tools.course.safety import svg_problems

from .inlinesvg import SVG, prefix_ids

logger = logging.getLogger(__name__)

MIN_LABEL_PX = 12
_PT_TO_PX = 4 / 3
_NUMBER = re.compile(r"[-+]?\d*\.?\d+")


def render_svg_diagram(self: Any, node: nodes.Element) -> None:
    """Write one diagram: inline SVG on the site, an SVG image in handouts."""
    try:
        fname, outfn = render_dot(self, node["code"], node["options"], "svg", "graphviz")
    except GraphvizError as exc:
        logger.warning("dot code %r: %s", node["code"], exc, location=node)
        raise nodes.SkipNode from exc
    if fname is None or outfn is None:
        self.body.append(self.encode(node["code"]))
        raise nodes.SkipNode
    alt = str(node.get("alt") or "Diagram")
    inline = None
    if self.builder.format == "html":
        # Ids unique within the page and the same in every build: the n-th diagram.
        self.course_diagrams = getattr(self, "course_diagrams", 0) + 1
        inline = inline_svg(Path(outfn).read_bytes(), alt, f"diagram-{self.course_diagrams}")
    if inline is None:
        src = html.escape(Path(fname).as_posix(), quote=True)
        self.body.append(
            f'<div class="graphviz course-diagram"><img src="{src}" '
            f'alt="{html.escape(alt, quote=True)}" class="graphviz"></div>\n'
        )
    else:
        self.body.append(
            '<div class="graphviz course-diagram">'
            '<div class="course-diagram-scroll" tabindex="0" role="group" '
            f'aria-label="{html.escape(alt, quote=True)}">{inline}</div></div>\n'
        )
    raise nodes.SkipNode


#: The prologue dot writes before every SVG; the allowlist refuses any DTD, so this
#: one exact declaration (no internal subset, no entities) is removed first.
_DOT_PROLOGUE = re.compile(
    rb'\A\s*(?:<\?xml[^>]*\?>\s*)?<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1\.1//EN"\s*'
    rb'"http://www\.w3\.org/Graphics/SVG/1\.1/DTD/svg11\.dtd">'
)


def inline_svg(data: bytes, alt: str, prefix: str) -> str | None:
    """dot's SVG as an element for the page, or None if it is not on the allowlist."""
    data = _DOT_PROLOGUE.sub(b"", data, count=1)
    if svg_problems(data):
        return None
    root = parse_xml(data)
    view = [float(n) for n in _NUMBER.findall(root.get("viewBox", ""))]
    if len(view) != 4 or view[2] <= 0:
        return None
    natural = _length_px(root.get("width", ""), view[2])
    smallest = _smallest_label(root)
    least = math.ceil(MIN_LABEL_PX * view[2] / smallest) if smallest else 0
    for attr in ("width", "height"):
        root.attrib.pop(attr, None)
    root.set("role", "img")
    root.set("aria-label", alt)
    root.set("focusable", "false")
    root.set(
        "style",
        f"width:100%;height:auto;max-width:{max(natural, least)}px;min-width:{least}px",
    )
    root.set("class", "course-diagram-svg")
    # Node names as tooltips ("b_ucs") mean nothing to a reader; ids must be unique.
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == f"{{{SVG}}}title":
                parent.remove(child)
    prefix_ids(root, prefix)
    return ElementTree.tostring(root, encoding="unicode", short_empty_elements=True)


def _length_px(value: str, fallback: float) -> int:
    """An SVG length ("412pt", "300px", "300") in CSS pixels."""
    match = _NUMBER.match(value.strip())
    number = float(match.group()) if match else fallback
    return math.ceil(number * _PT_TO_PX if value.strip().endswith("pt") or not match else number)


def _smallest_label(root: ElementTree.Element) -> float:
    """The smallest font size of any label, in viewBox units (dot draws at scale 1)."""
    scale = 1.0
    for group in root.iter(f"{{{SVG}}}g"):
        match = re.search(r"scale\(\s*([-+]?\d*\.?\d+)", group.get("transform", ""))
        if match:
            scale = float(match.group(1)) or 1.0
            break
    sizes = [
        float(m.group()) * scale
        for text in root.iter(f"{{{SVG}}}text")
        if (m := _NUMBER.match(text.get("font-size", "14")))
    ]
    return min(sizes) if sizes else 0.0
