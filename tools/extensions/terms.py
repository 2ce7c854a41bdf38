"""Glossary definitions on hover and keyboard focus, without JavaScript.

A ``{term}`` link is wrapped with its definition in a hidden tooltip that CSS
shows on ``:hover`` and ``:focus-within``; the link carries
``aria-describedby`` so screen readers announce the definition. Without CSS
or JavaScript it is still an ordinary link to the glossary.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.writers.html5 import HTML5Translator


class term_tip(nodes.Inline, nodes.TextElement):
    """A glossary link with its definition (HTML only)."""


def definitions(env: BuildEnvironment) -> dict[str, str]:
    """Glossary anchor (``term-...``) -> definition text, read once per build from the glossary pages."""
    domain: Any = env.domains["course"]
    if domain.term_definitions is None:
        found: dict[str, str] = {}
        std: Any = env.domains["std"]
        glossary_docs = {doc for (kind, _name), (doc, _id) in std.objects.items() if kind == "term"}
        for docname in sorted(glossary_docs):
            for item in env.get_doctree(docname).findall(nodes.definition_list_item):
                definition = item.next_node(nodes.definition)
                text = " ".join(definition.astext().split()) if definition else ""
                for term in item.findall(nodes.term):
                    for node_id in term["ids"]:
                        found.setdefault(node_id, text)
        domain.term_definitions = found
    return domain.term_definitions  # type: ignore[no-any-return]


def add_term_tips(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    defs = None
    for number, inline in enumerate(list(doctree.findall(nodes.inline))):
        ref = inline.parent
        if "std-term" not in inline["classes"] or not isinstance(ref, nodes.reference):
            continue
        if defs is None:
            defs = definitions(app.env)
        uri = ref.get("refuri", "")
        anchor = uri.rsplit("#", 1)[-1] if "#" in uri else ref.get("refid", "")
        target = defs.get(anchor)
        if not target:
            continue
        tip = term_tip(inline.astext(), inline.astext())
        tip["href"] = uri or "#" + anchor
        tip["definition"] = target
        tip["tip_id"] = f"term-tip-{number}"
        ref.replace_self(tip)


def visit_term_tip_html(self: HTML5Translator, node: term_tip) -> None:
    tip_id = node["tip_id"]
    self.body.append(
        '<span class="course-term">'
        f'<a class="reference internal" href="{html.escape(node["href"])}" aria-describedby="{tip_id}">'
        f'<span class="xref std std-term">{html.escape(node.astext())}</span></a>'
        f'<span class="course-term-tip" role="tooltip" id="{tip_id}">{html.escape(node["definition"])}</span>'
        "</span>"
    )
    raise nodes.SkipNode


def visit_term_tip_text(self: Any, node: term_tip) -> None:
    self.add_text(node.astext())
    raise nodes.SkipNode


def visit_term_tip_latex(self: Any, node: term_tip) -> None:
    self.body.append(self.encode(node.astext()))
    raise nodes.SkipNode


def setup_terms(app: Sphinx) -> None:
    app.add_node(
        term_tip,
        html=(visit_term_tip_html, None),
        latex=(visit_term_tip_latex, None),
        text=(visit_term_tip_text, None),
    )
    app.connect("doctree-resolved", add_term_tips, priority=800)
