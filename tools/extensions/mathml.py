"""Maths in HTML as MathML, written at build time: no MathJax, no script, no CDN.

MathJax would be a third-party request from every reader's browser and a
script that interprets contributed TeX (``\\href``, ``\\style``...). Browsers
render MathML themselves. The TeX was checked against the maths allowlist
when the page was read (guard.py); the MathML that latex2mathml writes is
parsed again and must use only MathML elements and attributes, or the formula
is shown as its TeX source. LaTeX output keeps the TeX as it is.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from docutils import nodes
from latex2mathml.converter import convert
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

_MATHML = "{http://www.w3.org/1998/Math/MathML}"
MATHML_ELEMENTS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "mfrac", "msqrt", "mroot",
        "mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose", "msub", "msup",
        "msubsup", "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none",
        "mtable", "mtr", "mtd", "mlabeledtr", "semantics",
    }
)  # fmt: skip
MATHML_ATTRIBUTES = frozenset(
    {
        "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace",
        "form", "largeop", "movablelimits", "accent", "accentunder", "linethickness",
        "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines",
        "frame", "displaystyle", "scriptlevel", "width", "height", "depth", "notation",
        "minsize", "maxsize", "symmetric", "open", "close", "separators", "align",
        "equalrows", "equalcolumns", "rowspan", "columnspan",
    }
)  # fmt: skip


#: ``\\text{...}`` and friends: latex2mathml copies their content into the MathML
#: unescaped, so ``<``, ``>`` and ``&`` in them are escaped first.
_TEXT_GROUP = re.compile(r"(\\text(?:rm|it|bf|sf|tt)?\s*\{)([^{}\\]*)(?=\})")


def to_mathml(tex: str, *, display: str) -> str | None:
    """The formula as MathML, or None when it cannot be written with listed MathML only."""
    tex = _TEXT_GROUP.sub(lambda m: m.group(1) + html.escape(m.group(2), quote=False), tex)
    try:
        root = parse_xml(convert(tex, display=display), forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError, IndexError, KeyError, TypeError):
        return None  # latex2mathml raises a variety of errors on TeX it does not know
    for element in root.iter():
        tag = str(element.tag)
        if not tag.startswith(_MATHML) or tag.removeprefix(_MATHML) not in MATHML_ELEMENTS:
            return None
        if any(attr not in MATHML_ATTRIBUTES for attr in element.attrib):
            return None
    return _serialise(root)


def _serialise(element: Element) -> str:
    """Checked MathML back to text, every text and value escaped (what latex2mathml
    wrote is not: ``\\text{<b>}`` came out as a tag)."""
    tag = str(element.tag).removeprefix(_MATHML)
    attrs = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in element.attrib.items())
    if tag == "math":
        attrs = f' xmlns="{_MATHML[1:-1]}"{attrs}'
    inner = html.escape(element.text or "", quote=False) + "".join(
        _serialise(child) + html.escape(child.tail or "", quote=False) for child in element
    )
    return f"<{tag}{attrs}>{inner}</{tag}>"


def _write(self: Any, node: nodes.Element, display: str) -> None:
    mathml = to_mathml(node.astext(), display=display)
    if mathml is None:
        logger.warning(
            "maths could not be written as MathML; it is shown as TeX",
            location=node,
            type="course",
            subtype="math",
        )
        mathml = f'<code class="math">{self.encode(node.astext())}</code>'
    self.body.append(mathml)


def html_visit_math(self: Any, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate"))
    _write(self, node, "inline")
    self.body.append("</span>")
    raise nodes.SkipNode


def html_visit_displaymath(self: Any, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, "Link to this equation")
        self.body.append("</span>")
    _write(self, node, "block")
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup_mathml(app: Sphinx) -> None:
    """Register the renderer; guard.py makes it the one HTML uses."""
    app.add_html_math_renderer(
        "mathml",
        inline_renderers=(html_visit_math, None),
        block_renderers=(html_visit_displaymath, None),
    )
