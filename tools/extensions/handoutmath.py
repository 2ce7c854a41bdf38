"""Maths in handouts as SVG drawn at build time: WeasyPrint does not lay out MathML.

Each formula is laid out by matplotlib's mathtext (a subset of TeX; no TeX
installation, no usetex, no file or option from the page: only the formula
string reaches matplotlib) and its glyphs are turned into one outline path,
so the SVG needs no font. The SVG is written by this module (not by a
matplotlib backend), checked against the SVG allowlist of
tools/course/safety.py, and saved in the handout build's ``_images`` folder,
the only place the PDF printer may fetch from, under a digest of the TeX
(a drawing that exists is not drawn again).

The SVG's y = 0 is the formula's baseline, so an inline formula sits on the
line of text whatever its depth; its size is in em, scaled to the text.
Every image has alt text (the TeX, read out a little more plainly) for the
PDF's /Alt. A formula mathtext cannot parse is printed as its TeX source
with a ``course.math`` warning, as before.
"""

from __future__ import annotations

import hashlib
import html
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from defusedxml.ElementTree import fromstring as parse_xml
from docutils import nodes
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

from tools.course.safety import math_problems, svg_problems

if TYPE_CHECKING:
    from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)

#: Bump when the drawing changes (the digest in the file name includes it).
RENDERER_VERSION = "1"
#: The font size mathtext lays out at; 1 em of the printed text is this many SVG units.
SIZE = 10.0
#: Room around the ink, in SVG units, so antialiased edges are not cut.
PAD = 0.6
#: mathtext has no display style (fractions stay at text size), so display maths prints larger.
DISPLAY_SCALE = 1.25
INK = "#1a1a1a"
#: matplotlib's path codes as SVG path commands (CLOSEPOLY carries no point).
_PATH_COMMANDS = {1: "M", 2: "L", 3: "Q", 4: "C"}
CLOSE = 79


class MathError(Exception):
    """mathtext could not lay the formula out, or its drawing failed the SVG allowlist."""


@dataclass(frozen=True)
class Drawing:
    """A formula's SVG file (relative to the output folder) and its size in em."""

    src: str
    width: float
    height: float
    below: float  # how far the image reaches below the baseline


def svg_of(tex: str) -> str:
    """The formula as a self-contained SVG: one path, baseline at y = 0, no font, no script."""
    import matplotlib
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser
    from matplotlib.textpath import TextPath

    if math_problems(tex):  # guard.py stopped it already; never hand matplotlib anything else
        raise MathError("the formula is not on the maths allowlist")
    formula = f"${tex}$"
    with matplotlib.rc_context({"text.usetex": False, "text.parse_math": True}):
        prop = FontProperties(family="DejaVu Sans", size=SIZE)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # a missing glyph is drawn as a box
            try:
                box = MathTextParser("path").parse(formula, dpi=72, prop=prop)
                outline = TextPath((0, 0), formula, size=SIZE, prop=prop)
            except (ValueError, RuntimeError) as error:
                raise MathError(_reason(error)) from error
    parts: list[str] = []
    for points, code in outline.iter_segments(curves=True, simplify=False):
        xy = " ".join(f"{v:.2f}" for v in points)
        parts.append("Z" if code == CLOSE else _PATH_COMMANDS[int(code)] + xy)
    ink = outline.vertices if len(outline.vertices) else [[0.0, 0.0]]
    left = min(0.0, min(float(p[0]) for p in ink)) - PAD
    right = max(float(box.width), max(float(p[0]) for p in ink)) + PAD
    top = max(float(box.height - box.depth), max(float(p[1]) for p in ink)) + PAD
    bottom = min(-float(box.depth), min(float(p[1]) for p in ink)) - PAD
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'viewBox="{left:.2f} {-top:.2f} {right - left:.2f} {top - bottom:.2f}">'
        f'<path fill="{INK}" transform="scale(1 -1)" d="{" ".join(parts)}"/></svg>'
    )
    if problems := svg_problems(svg.encode()):
        raise MathError("; ".join(problems))
    return svg


def _reason(error: Exception) -> str:
    """mathtext's complaint in one line (it also repeats the formula with a caret)."""
    last = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
    last = re.sub(r"^\w+Exception:\s*", "", last)
    return re.sub(r",?\s*found .*$", "", last).strip() or type(error).__name__


def drawing(tex: str, outdir: Path, imagedir: str) -> Drawing:
    """The formula's drawing in ``outdir/imagedir``, drawn now unless it is already there."""
    digest = hashlib.sha256(f"{RENDERER_VERSION}\0{tex}".encode()).hexdigest()[:24]
    name = f"math-{digest}.svg"
    path = outdir / imagedir / name
    if path.is_file():
        svg = path.read_text(encoding="utf-8")
    else:
        svg = svg_of(tex)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
    view = [float(n) for n in str(parse_xml(svg).get("viewBox", "")).split()]
    _, low, width, height = view
    return Drawing(f"{imagedir}/{name}", width / SIZE, height / SIZE, (height + low) / SIZE)


#: Words for the commonest commands, so the alt text reads as maths, not as TeX.
_SPOKEN = {
    "sum": "sum of",
    "prod": "product of",
    "int": "integral of",
    "sqrt": "square root of",
    "times": "×",
    "cdot": "·",
    "div": "÷",
    "pm": "±",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "infty": "infinity",
    "to": "→",
    "rightarrow": "→",
    "ldots": "…",
    "left": "",
    "right": "",
    "cdots": "…",
}
_GROUP = r"\{([^{}]*)\}"


def spoken(tex: str) -> str:
    """The TeX, lightly cleaned for the alt text: ``\\frac{a}{b}`` is "a over b"."""
    text = tex
    for _ in range(10):  # inner groups first
        before = text
        text = re.sub(r"\\[dt]?frac\s*" + _GROUP + r"\s*" + _GROUP, r"(\1) over (\2)", text)
        text = re.sub(r"\\sqrt\s*" + _GROUP, r" square root of (\1)", text)
        text = re.sub(r"([_^])\{([^{}]*)\}", r"\1(\2)", text)  # SE_{M_1 - M_2}: SE_(M_1 - M_2)
        text = re.sub(r"\\(bar|overline)\s*" + _GROUP, r"\2 bar", text)
        text = re.sub(r"\\(hat|widehat)\s*" + _GROUP, r"\2 hat", text)
        text = re.sub(r"\\(?:text\w*|math\w+|operatorname)\s*" + _GROUP, r"\1", text)
        if text == before:
            break
    text = re.sub(r"\(([^()\s]+)\)", r"\1", text)  # (x) over (n): x over n
    text = re.sub(r"\\([A-Za-z]+)", lambda m: f" {_SPOKEN.get(m[1], m[1])} ", text)
    text = re.sub(r"\\[,;:! ]", " ", text).replace("\\", "")
    text = text.replace("{", "").replace("}", "")
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))
    return text or tex.strip()


def _image(drawing: Drawing, alt: str, style: str, scale: float = 1.0) -> str:
    width, height = drawing.width * scale, drawing.height * scale
    return (
        f'<img class="math" src="{html.escape(drawing.src)}" alt="{html.escape(alt)}" '
        f'style="width:{width:.3f}em;height:{height:.3f}em;{style}">'
    )


def _draw(self: HTML5Translator, tex: str) -> Drawing:
    return drawing(tex, Path(self.builder.outdir), str(self.builder.imagedir))


def _fallback(node: nodes.Element, error: MathError) -> None:
    logger.warning(
        "maths could not be drawn for the handout (%s); it is printed as TeX",
        error,
        location=node,
        type="course",
        subtype="math",
    )


def visit_math(self: HTML5Translator, node: nodes.math, math_env: str = "") -> None:
    """An inline formula as an image on the baseline, or its TeX if it cannot be drawn."""
    tex = node.astext()
    try:
        drawn = _draw(self, tex)
    except MathError as error:
        _fallback(node, error)
        self.body.append(f'<code class="math">{html.escape(tex)}</code>')
    else:
        self.body.append(_image(drawn, spoken(tex), f"vertical-align:{-drawn.below:.3f}em"))
    raise nodes.SkipNode


def visit_math_block(self: HTML5Translator, node: nodes.math_block) -> None:
    """A display formula centred on its own line(s), with its equation number."""
    tex = node.astext()
    parts = [p for p in re.split(r"\n\s*\n", tex.strip()) if p.strip()] or [tex]
    try:
        drawn = [(_draw(self, part), part) for part in parts]
    except MathError as error:
        _fallback(node, error)
        self.body.append(f'<pre class="math">{html.escape(tex)}</pre>\n')
        raise nodes.SkipNode from None
    self.body.append(self.starttag(node, "div", CLASS="math", style="text-align:center"))
    if node.get("number"):
        number = get_node_equation_number(self, node)
        middle = max(
            0.0, 0.4 + drawn[0][0].height * DISPLAY_SCALE / 2 - 0.6
        )  # level with the first line
        self.body.append(
            f'<span class="eqno" style="float:right;margin-top:{middle:.3f}em">({number})</span>'
        )
    for one, part in drawn:
        style = "display:block;margin:0.4em auto"
        self.body.append(_image(one, spoken(part), style, DISPLAY_SCALE))
    self.body.append("</div>\n")
    raise nodes.SkipNode
