"""The glossary, read once per build, and its definitions on hover and keyboard focus.

:func:`glossary` is the one reading of the glossary in the Sphinx layer:
the terms the std domain knows (its public ``get_objects()``), each with its
definition from the page that defines it. The tooltips here and the
handouts' "Key terms" section both use it.

A ``{term}`` link is wrapped with its definition in a hidden tooltip that CSS
shows on ``:hover`` and ``:focus-within``; the link carries
``aria-describedby`` so screen readers announce the definition. Without CSS
or JavaScript it is still an ordinary link to the glossary. Which
definition a page shows comes from the page's view (views.py), so editing a
definition rewrites every page that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from docutils import nodes

from .caches import BuildCache

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.text import TextTranslator


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    docname: str
    anchor: str
    definition: str  # plain text, whitespace collapsed
    item: nodes.definition_list_item  # the entry as the glossary page has it (for handouts)


def _read_glossary(env: BuildEnvironment) -> dict[str, GlossaryEntry]:
    wanted: dict[str, set[str]] = {}  # glossary page -> anchors of its terms
    for _name, _disp, objtype, docname, anchor, _prio in env.domains["std"].get_objects():
        if objtype == "term":
            wanted.setdefault(docname, set()).add(anchor)
    found: dict[str, GlossaryEntry] = {}
    for docname in sorted(wanted):
        for item in env.get_doctree(docname).findall(nodes.definition_list_item):
            definition = item.next_node(nodes.definition)
            text = " ".join(definition.astext().split()) if definition else ""
            for term in item.findall(nodes.term):
                for anchor in term["ids"]:
                    if anchor in wanted[docname]:
                        key = term.astext().lower()
                        found.setdefault(key, GlossaryEntry(key, docname, anchor, text, item))
    return found


_GLOSSARY: BuildCache[dict[str, GlossaryEntry]] = BuildCache("glossary", _read_glossary)


def glossary(env: BuildEnvironment) -> dict[str, GlossaryEntry]:
    """Every glossary entry of the site by lower-case term, read once per build."""
    return _GLOSSARY.get(env)


class term_tip(nodes.Inline, nodes.TextElement):
    """A glossary link (its one child, the link text) with the definition as a tooltip."""


def add_term_tips(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    from .views import page_view  # views reads the glossary from here

    tips = {tip.anchor: tip.definition for tip in page_view(app.env, docname).terms}
    if not tips:
        return
    for number, inline in enumerate(list(doctree.findall(nodes.inline))):
        ref = inline.parent
        if "std-term" not in inline["classes"] or not isinstance(ref, nodes.reference):
            continue
        uri = ref.get("refuri", "")
        anchor = uri.rsplit("#", 1)[-1] if "#" in uri else ref.get("refid", "")
        if anchor not in tips:
            continue
        tip = term_tip("", "", inline.deepcopy())
        tip["href"] = uri or "#" + anchor
        tip["definition"] = tips[anchor]
        tip["tip_id"] = f"term-tip-{number}"
        ref.replace_self(tip)


def visit_term_tip_html(self: HTML5Translator, node: term_tip) -> None:
    tip_id = node["tip_id"]
    self.body.append(self.starttag(node, "span", "", CLASS="course-term"))
    self.body.append(
        self.starttag(
            node,
            "a",
            "",
            CLASS="reference internal",
            href=node["href"],
            **{"aria-describedby": tip_id},
        )
    )


def depart_term_tip_html(self: HTML5Translator, node: term_tip) -> None:
    tip_id = node["tip_id"]
    self.body.append("</a>")
    self.body.append(
        self.starttag(
            nodes.inline(ids=[tip_id]), "span", "", CLASS="course-term-tip", role="tooltip"
        )
        + self.encode(node["definition"])
        + "</span></span>"
    )


def visit_term_tip_text(self: TextTranslator, node: term_tip) -> None:
    self.add_text(node.astext())
    raise nodes.SkipNode


def setup_terms(app: Sphinx) -> None:
    app.add_node(
        term_tip,
        html=(visit_term_tip_html, depart_term_tip_html),
        text=(visit_term_tip_text, None),
    )
    app.connect("doctree-resolved", add_term_tips, priority=800)
