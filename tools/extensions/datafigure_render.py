"""Drawing a checked data figure as SVG with matplotlib, once per distinct figure.

matplotlib runs in the build's process with the Agg-free SVG canvas and the
object API (no pyplot, no global figure state); labels from the page are never
interpreted: mathtext and usetex are off, and no option names a file, a URL or
a style. Text stays text (``svg.fonttype: none``), the drawing is made
reproducible (fixed hash salt, no date) and stripped to the SVG allowlist of
tools/course/safety.py (matplotlib's ``<metadata>`` and ``<style>`` removed);
anything else it wrote makes the figure an error, never a page.

Axes and labels are drawn in ``FOREGROUND``; on the site they become
``currentColor`` (the theme's text colour, light or dark), in handouts they
stay near-black. Series colours have at least 3:1 contrast on both furo's
light and dark backgrounds, and each series also has its own marker, line
style or hatching, so colour is never the only cue.

Drawings are cached in the build's doctree folder under a digest of the CSV's
bytes, the options and ``RENDERER_VERSION``, so an unchanged figure is not
drawn again when its page is read again.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import warnings
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from defusedxml.ElementTree import fromstring as parse_xml

from tools.course.datafigure import Figure
from tools.course.files import write_text_atomic
from tools.course.safety import svg_problems

from .inlinesvg import SVG, URL_ATTRIBUTES, prefix_ids

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Bump when the drawing code changes what it draws.
RENDERER_VERSION = "2"
FOREGROUND = "#1a1a1a"
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8c6d31", "#7c5cbf")
MARKERS = ("o", "s", "^", "D", "v", "P")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)))
HATCHES = ("", "//", "..", "xx", "\\\\", "--")
#: Figure size in inches and the one font size (points) for every label: the
#: chart is shown no narrower than where that font is 12 CSS px.
WIDTH_IN, HEIGHT_IN = 5.2, 3.6
FONT_PT = 14
MIN_LABEL_PX = 12
#: About how many label characters fit across the plot; a bar chart whose category
#: names do not fit under their bars in two lines is drawn with horizontal bars.
_ACROSS = 34
_WRAP_SIDE = 22


_PROLOGUE = re.compile(rb"\A\s*(?:<\?xml[^>]*\?>\s*)?<!DOCTYPE svg PUBLIC [^>\[]*>")


class RenderError(Exception):
    """matplotlib's drawing did not pass the SVG allowlist."""


def cache_name(figure: Figure) -> str:
    """The drawing's file in the cache: the figure's digest, this renderer, this matplotlib."""
    # The installed version, read without importing matplotlib (a cache hit needs no import).
    return f"{figure.digest[:32]}-{RENDERER_VERSION}-{version('matplotlib')}.svg"


def cached_svg(figure: Figure, cache: Path) -> tuple[str, bool]:
    """The figure's SVG (handout colours) and whether it was drawn now (False: from the cache)."""
    path = cache / cache_name(figure)
    if path.is_file():
        return path.read_text(encoding="utf-8"), False
    svg = clean_svg(draw(figure))
    write_text_atomic(path, svg)  # parallel readers may draw the same figure: last one wins
    return svg, True


def draw(figure: Figure) -> bytes:
    """matplotlib's SVG of the figure (text as text, no interpretation of labels)."""
    import matplotlib
    from matplotlib.figure import Figure as MplFigure

    with matplotlib.rc_context(
        {
            "text.parse_math": False,
            "text.usetex": False,
            "svg.fonttype": "none",
            "svg.hashsalt": "course-data-figure",
            "font.family": "DejaVu Sans",
            "font.size": FONT_PT,
            "axes.edgecolor": FOREGROUND,
            "axes.labelcolor": FOREGROUND,
            "text.color": FOREGROUND,
            "xtick.color": FOREGROUND,
            "ytick.color": FOREGROUND,
            "legend.frameon": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "path.simplify": True,
        }
    ):
        chart = MplFigure(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
        chart.patch.set_alpha(0)
        axes = chart.add_subplot()
        axes.patch.set_alpha(0)
        sideways = figure.kind == "bar" and _wrapped(figure.categories) is None
        if figure.kind == "bar":
            _bars(axes, figure, sideways=sideways)
        else:
            _points(axes, figure)
        # Sideways bars: the categories run down the y axis, the values along x.
        axes.set_xlabel(figure.y_label if sideways else figure.x_label, parse_math=False)
        axes.set_ylabel(figure.x_label if sideways else figure.y_label, parse_math=False)
        if figure.y_range:
            (axes.set_xlim if sideways else axes.set_ylim)(*figure.y_range)
        axes.grid(axis="x" if sideways else "y", color=FOREGROUND, alpha=0.15, linewidth=0.8)
        axes.set_axisbelow(True)
        if len(figure.series) > 1:  # above the plot, where it covers no data
            axes.legend(
                loc="lower left",
                bbox_to_anchor=(0, 1.02),
                ncols=min(len(figure.series), 3),
                fontsize=FONT_PT,
                borderaxespad=0,
            )
        out = io.BytesIO()
        with warnings.catch_warnings():
            # "Glyph missing from DejaVu Sans": the text stays text, the reader's fonts draw it.
            warnings.simplefilter("ignore", UserWarning)
            chart.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def _wrapped(categories: tuple[str, ...]) -> list[str] | None:
    """The category names in at most two lines each under their bars, or None if they do not fit."""
    width = _ACROSS // len(categories)
    lines = [textwrap.wrap(c, width, break_long_words=False) or [c] for c in categories]
    if any(len(wrapped) > 2 or max(map(len, wrapped)) > width for wrapped in lines):
        return None
    return ["\n".join(wrapped) for wrapped in lines]


def _bars(axes: Axes, figure: Figure, *, sideways: bool) -> None:
    categories = figure.categories
    count = len(figure.series)
    width = 0.8 / count
    for number, series in enumerate(figure.series):
        offset = (number - (count - 1) / 2) * width
        where = {str(x): i for i, x in enumerate(series.x)}
        positions = [categories.index(c) + offset for c in where]
        style: dict[str, Any] = {
            "color": PALETTE[number],
            "hatch": HATCHES[number] if count > 1 else None,
            "edgecolor": FOREGROUND if count > 1 else PALETTE[number],
            "linewidth": 0.6,
            "ecolor": FOREGROUND,
            "capsize": 4,
            "label": series.name or None,
        }
        if sideways:
            axes.barh(positions, series.y, height=width * 0.95, xerr=series.error, **style)
        else:
            axes.bar(positions, series.y, width=width * 0.95, yerr=series.error, **style)
    if sideways:
        names = ["\n".join(textwrap.wrap(c, _WRAP_SIDE)) or c for c in categories]
        axes.set_yticks(range(len(categories)), names)
        axes.invert_yaxis()  # the first row of the CSV at the top
    else:
        axes.set_xticks(range(len(categories)), _wrapped(categories) or categories)


def _points(axes: Axes, figure: Figure) -> None:
    from matplotlib.ticker import MaxNLocator

    if all(float(x).is_integer() for series in figure.series for x in series.x):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    for number, series in enumerate(figure.series):
        axes.errorbar(
            series.x,
            series.y,
            yerr=series.error,
            color=PALETTE[number],
            marker=MARKERS[number],
            markersize=6,
            linestyle=LINESTYLES[number] if figure.kind == "line" else "none",
            linewidth=2,
            capsize=4,
            label=series.name or None,
        )


def clean_svg(data: bytes) -> str:
    """matplotlib's SVG without its prologue, metadata and style sheet, checked by the allowlist."""
    data = _PROLOGUE.sub(b"", data, count=1)
    root = parse_xml(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG}}}metadata", f"{{{SVG}}}style"):
                parent.remove(child)
    text = ElementTree.tostring(root, encoding="unicode")
    if problems := svg_problems(text.encode()):
        raise RenderError("; ".join(problems))
    return text


def inline_svg(svg: str, alt: str, prefix: str) -> str:
    """The drawing for a web page: theme colours, ids unique on the page, sized for phones."""
    root = parse_xml(svg)
    view = [float(n) for n in root.get("viewBox", "").split()]
    natural = math.ceil(view[2] * 4 / 3)  # points to CSS px
    least = math.ceil(MIN_LABEL_PX * view[2] / FONT_PT)
    for attr in ("width", "height"):
        root.attrib.pop(attr, None)
    root.set("role", "img")
    root.set("aria-label", alt)
    root.set("focusable", "false")
    root.set("class", "course-datafig-svg")
    root.set(
        "style",
        f"display:block;margin:0 auto;width:100%;height:auto;max-width:{natural}px;min-width:{least}px",
    )
    prefix_ids(root, prefix)
    for element in root.iter():
        for attr in URL_ATTRIBUTES:
            value = element.get(attr)
            if value:
                element.set(attr, value.replace(FOREGROUND, "currentColor"))
    return ElementTree.tostring(root, encoding="unicode")
