"""What every SVG drawn into a page shares: its namespaces and page-unique ids.

Diagrams (diagrams.py) and data figures (datafigure_render.py) both put their
SVG inline, so two drawings on one page would otherwise share ids such as
``clip0`` or ``node1``; every id, and every ``#id`` or ``url(#id)`` that
points at one, gets the drawing's own prefix.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"

ElementTree.register_namespace("", SVG)
ElementTree.register_namespace("xlink", XLINK)

_URL_REF = re.compile(r"url\(#")
#: Attributes that may refer to an id as ``url(#id)``.
URL_ATTRIBUTES = ("style", "clip-path", "fill", "stroke")


def prefix_ids(root: ElementTree.Element, prefix: str) -> None:
    """Make every id under *root*, and every reference to one, start with *prefix*."""
    for element in root.iter():
        if "id" in element.attrib:
            element.set("id", f"{prefix}-{element.get('id')}")
        for attr in ("href", f"{{{XLINK}}}href"):
            value = element.get(attr)
            if value and value.startswith("#"):
                element.set(attr, f"#{prefix}-{value[1:]}")
        for attr in URL_ATTRIBUTES:
            value = element.get(attr)
            if value and "url(#" in value:
                element.set(attr, _URL_REF.sub(f"url(#{prefix}-", value))
