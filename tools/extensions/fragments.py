"""Listings as HTML: sphinx-design cards, grids and counted links.

Every article page shows a related block and a similar-categories block, and
the same card or link appears on hundreds of pages. Built as docutils nodes,
that is a few hundred nodes per page, made in the main process (where Sphinx
resolves every page, even in a parallel build), translated again by a
worker, and left for the garbage collector. So HTML builders get the markup
the sphinx-design nodes would have produced, written once per output folder
and reused; other builders (LaTeX handouts) still get nodes (listings.py).
The markup is escaped as docutils' HTML writer escapes text and attributes.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import TYPE_CHECKING

from docutils.writers.html5_polyglot import HTMLTranslator
from sphinx.errors import NoUri

if TYPE_CHECKING:
    from sphinx.builders import Builder

_SPECIAL = HTMLTranslator.special_characters


def encode(text: str) -> str:
    """Escape text or an attribute value exactly as docutils' HTML writer does."""
    return text.translate(_SPECIAL)


def block_title(title: str) -> str:
    """The heading of a related or similar block (a docutils rubric)."""
    return f'<p class="course-block-title rubric">{encode(title)}</p>\n'


def grid_classes(columns: str) -> str:
    cols = columns.split()
    return " ".join(
        ["sd-row", f"sd-row-cols-{cols[0]}"]
        + [f"sd-row-cols-{bp}-{n}" for bp, n in zip(("xs", "sm", "md", "lg"), cols, strict=False)]
        + ["sd-g-2", "sd-g-xs-2", "sd-g-sm-2", "sd-g-md-2", "sd-g-lg-2"]
    )


def grid(cards: Iterable[str], columns: str = "1 2 2 2") -> str:
    items = "".join(
        f'<div class="sd-col sd-d-flex-row docutils">\n{card}</div>\n' for card in cards
    )
    return (
        '<div class="sd-container-fluid sd-sphinx-override sd-mb-4 docutils">\n'
        f'<div class="{grid_classes(columns)} docutils">\n{items}</div>\n</div>\n'
    )


def card_shell(title_link: str, body: str, *, whole_card_link: bool) -> str:
    """A card: its linked title, then *body* (already HTML)."""
    hover = " sd-card-hover" if whole_card_link else ""
    return (
        f'<div class="sd-card sd-sphinx-override sd-w-100 sd-shadow-sm{hover} course-card docutils">\n'
        '<div class="sd-card-body docutils">\n'
        f'<p class="sd-card-title sd-font-weight-bold">{title_link}</p>\n'
        f"{body}</div>\n</div>\n"
    )


def count_span(text: str) -> str:
    return f'<span class="course-count">{encode(text)}</span>'


class Fragments:
    """Links and cards for one builder, cached by the linking page's folder.

    A relative link depends only on the folder of the page it is on, so a card
    made for one article page serves every page in ``articles/``.
    """

    def __init__(self, builder: Builder) -> None:
        self.builder = builder
        self._folders: dict[str, str] = {}
        self._links: dict[tuple[str, str, str, str], str] = {}
        self._cards: dict[tuple[str, ...], str] = {}

    def _folder(self, docname: str) -> str:
        folder = self._folders.get(docname)
        if folder is None:
            try:
                folder = posixpath.dirname(self.builder.get_target_uri(docname))
            except NoUri:
                folder = "\0" + docname  # not cacheable across pages
            self._folders[docname] = folder
        return folder

    def _place(self, fromdoc: str, todoc: str) -> str:
        """What a relative link from *fromdoc* depends on: its folder (or itself, for a self-link)."""
        return "\0" + fromdoc if fromdoc == todoc else self._folder(fromdoc)

    def link(self, fromdoc: str, todoc: str, text: str, classes: str = "") -> str:
        """A link to another page, or plain text where the output has no such page."""
        key = (self._place(fromdoc, todoc), todoc, text, classes)
        html = self._links.get(key)
        if html is None:
            inner = f"<span>{encode(text)}</span>"
            try:
                uri = self.builder.get_relative_uri(fromdoc, todoc)
            except NoUri:
                html = inner
            else:
                cls = f"{classes} reference internal" if classes else "reference internal"
                html = f'<a class="{cls}" href="{encode(uri)}">{inner}</a>'
            self._links[key] = html
        return html

    def card(
        self,
        fromdoc: str,
        todoc: str,
        title: str,
        badge: str | None,
        text: str,
        extra: str | None = None,
    ) -> str:
        """A whole-card link: title, then a badge and/or count, then a line of text."""
        key = (self._place(fromdoc, todoc), todoc, title, badge or "", text, extra or "")
        html = self._cards.get(key)
        if html is None:
            body = ""
            if badge or extra:
                meta = ""
                if badge:
                    meta += (
                        '<span class="sd-sphinx-override sd-badge sd-bg-primary '
                        f'sd-bg-text-primary">{encode(badge)}</span>'
                    )
                if extra:
                    meta += count_span((" " if badge else "") + extra)
                body += f'<p class="sd-card-text course-card-meta">{meta}</p>\n'
            if text:
                body += f'<p class="sd-card-text">{encode(text)}</p>\n'
            link = self.link(fromdoc, todoc, title, "sd-stretched-link")
            html = card_shell(link, body, whole_card_link=True)
            self._cards[key] = html
        return html
