"""Listings that depend on other pages: cards, related articles, similar categories.

Pages hold a ``listing`` placeholder from reading; it is filled in
``doctree-resolved`` from the page's view (views.py), as ``sphinx.ext.todo``
fills its ``todolist``. Each kind of listing is made into docutils nodes by
one function here: sphinx-design's own components (``create_component``
cards and grids, its badge classes), rubrics, paragraphs and references,
translated by the builder's translator. On paper (the handouts) the same
functions print plainly: lists instead of cards, "See also" for related
articles, no navigation blocks.

The same card appears on hundreds of pages, and in a parallel build every
page is resolved in the main process. So an HTML page gets a small
``listing_block`` carrying the listing's data; its HTML visitor makes the
nodes and translates them once per output folder (a relative link depends
only on the folder it is in), then reuses the translator's output.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Hashable, Iterable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx.errors import NoUri
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode
from sphinx_design.grids import gutter_option, row_columns_option
from sphinx_design.shared import PassthroughTextElement, create_component

from tools.course import paths
from tools.course.taxonomy import Kind

from .caches import BuildCache, translate, translated
from .config import taxonomy_of
from .domain import course_domain
from .views import (
    Card,
    CardGrid,
    CountedLink,
    EntryIndex,
    LevelCards,
    Link,
    Listing,
    ListingKey,
    SimilarGroups,
    page_view,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.util.typing import OptionSpec
    from sphinx.writers.html5 import HTML5Translator

#: Kinds of ``course-overview``: the taxonomy kinds, plus the overview pages.
LISTING_KINDS = (*Kind, "topics", "categories", "a-z", "home")


class listing(nodes.General, nodes.Element):
    """Placeholder: ``what`` ('articles', 'children', 'related', 'similar') of ``kind``/``entry``.

    (Not ``slug``: MyST turns a ``slug`` attribute into an HTML id.)
    """


class listing_block(nodes.General, nodes.Element):
    """A filled listing in an HTML page: ``data`` (views.py), made into markup when written.

    Its children are the listing's words, for the search index only.
    """


def _skip(self: object, node: nodes.Element) -> None:
    raise nodes.SkipNode


class CourseOverviewDirective(SphinxDirective):
    """The body of a generated page: its description, then placeholders."""

    required_arguments = 2
    option_spec: ClassVar[OptionSpec] = {}

    def run(self) -> list[nodes.Node]:
        kind, slug = self.arguments
        taxonomy = taxonomy_of(self.env)
        if kind not in LISTING_KINDS or (
            kind in paths.FOLDERS and taxonomy.get(kind, slug) is None
        ):
            raise self.error(f"course-overview: unknown {kind} {slug!r}")
        out: list[nodes.Node] = []
        if kind in paths.FOLDERS and slug != "all":
            entry = taxonomy.get(kind, slug)
            lead = nodes.paragraph(entry.description, entry.description, classes=["course-lead"])
            out.append(lead)
        children = (Kind.LEVEL, Kind.COURSE, Kind.SUBJECT, "topics", "categories")
        what = "children" if kind in children else "articles"
        out.append(listing(kind=kind, entry=slug, what=what))
        if kind in (Kind.CATEGORY, Kind.TOPIC):
            out.append(listing(kind=kind, entry=slug, what="similar"))
        for node in out:
            self.set_source_info(node)
        return out


def record_listings(app: Sphinx, doctree: nodes.document) -> None:
    """Which listings the page holds: what its view (views.py) must compute."""
    keys = tuple(
        (str(n["kind"]), str(n["entry"]), str(n["what"])) for n in doctree.findall(listing)
    )
    course_domain(app.env).note_listings(app.env.current_document.docname, keys)


# --- nodes -----------------------------------------------------------------------


class ListingRenderer:
    """Listing data into nodes, for one page; ``paper`` for outputs read in print.

    Given the HTML *translator* writing the page, each card and counted link
    is translated once per output folder and reused (see caches.translated).
    """

    def __init__(
        self,
        builder: Builder,
        docname: str,
        *,
        paper: bool,
        translator: HTML5Translator | None = None,
    ) -> None:
        self.builder = builder
        self.docname = docname
        self.paper = paper
        self.translator = translator
        self._folder: str | None = None

    def _once(
        self, targets: Iterable[str], value: Hashable, make: Callable[[], list[nodes.Node]]
    ) -> list[nodes.Node]:
        """*make*'s nodes (linking to *targets*), or what the translator wrote for them
        on an earlier page."""
        if self.translator is None:
            return make()
        if self._folder is None:
            self._folder = posixpath.dirname(self.builder.get_target_uri(self.docname))
        # A relative link looks the same from every page in a folder, except on its own page.
        place = "\0" + self.docname if self.docname in targets else self._folder
        cache = _MARKUP.get(self.builder.env)
        key = (self.builder.name, place, value)
        markup = cache.get(key)
        if markup is None:
            markup = cache[key] = translate(self.translator, make())
        return [translated(markup=markup)]

    def render(self, data: Listing) -> list[nodes.Node]:
        if isinstance(data, CardGrid):
            return self.card_grid(data)
        if isinstance(data, SimilarGroups):
            return self.similar(data)
        if isinstance(data, LevelCards):
            return self.level_cards(data)
        if isinstance(data, EntryIndex):
            return self.entry_index(data)
        raise TypeError(data)

    def link(self, todoc: str, text: str, *classes: str) -> nodes.Element:
        """A link to another page, or plain text where the output has no such page (a handout)."""
        inner = nodes.inline(text, text)
        try:
            ref = make_refnode(self.builder, self.docname, todoc, "", inner)
        except NoUri:
            return inner
        ref["classes"] += classes
        return ref

    def card_grid(self, data: CardGrid) -> list[nodes.Node]:
        if not data.cards:
            return [nodes.paragraph(data.empty, data.empty, classes=["course-empty"])]
        if self.paper:
            if data.heading:  # related articles: one line
                para = nodes.paragraph()
                para += nodes.strong("See also: ", "See also: ")
                for i, card in enumerate(data.cards):
                    if i:
                        para += nodes.Text("; ")
                    para += self.link(card.docname, card.title)
                return [para]
            return [_plain_list(self._plain_card(card) for card in data.cards)]
        grid = _grid(
            (self._once((c.docname,), c, partial(self.card, c))[0] for c in data.cards),
            data.columns,
        )
        if data.heading is None:
            return [grid]
        block = nodes.container(classes=["course-related", "no-search"], is_div=True)
        block += nodes.rubric(data.heading, data.heading, classes=["course-block-title"])
        block += grid
        return [block]

    def _plain_card(self, card: Card) -> nodes.paragraph:
        para = nodes.paragraph("", "", self.link(card.docname, card.title))
        if card.count:
            para += nodes.Text(f" ({card.count})")
        elif card.text:
            para += nodes.Text(f" — {card.text}")
        return para

    def card(self, card: Card) -> list[nodes.Node]:
        """A sphinx-design card whose title link covers the card."""
        body: list[nodes.Node] = []
        if card.badge or card.count:
            meta = nodes.paragraph(classes=["sd-card-text", "course-card-meta"])
            if card.badge:
                meta += nodes.inline(card.badge, card.badge, classes=BADGE_CLASSES)
            if card.count:
                count = (" " if card.badge else "") + card.count
                meta += nodes.inline(count, count, classes=["course-count"])
            body.append(meta)
        if card.text:
            body.append(nodes.paragraph(card.text, card.text, classes=["sd-card-text"]))
        title = self.link(card.docname, card.title, "sd-stretched-link")
        return [_card(title, body, whole_card_link=True)]

    def similar(self, data: SimilarGroups) -> list[nodes.Node]:
        if self.paper or not data.groups:
            return []  # navigation to other pages is no use on paper
        block = nodes.container(classes=["course-similar", "no-search"], is_div=True)
        title = "Similar categories"
        block += nodes.rubric(title, title, classes=["course-block-title"])
        for label, entries in data.groups:
            # One line per group; articles of a category share most of them.
            targets = [e.docname for e in entries]
            block += self._once(targets, (label, entries), partial(self._group, label, entries))
        return [block]

    def _group(self, label: str, entries: tuple[CountedLink, ...]) -> list[nodes.Node]:
        para = nodes.paragraph(classes=["course-similar-group"])
        para += nodes.strong(label + ": ", label + ": ")
        for i, entry in enumerate(entries):
            if i:
                para += nodes.Text(" · ")
            para += self._once((entry.docname,), entry, partial(self.counted, entry))
        return [para]

    def counted(self, entry: CountedLink) -> list[nodes.Node]:
        link = self.link(entry.docname, entry.title)
        return [link] if entry.count is None else [link, _count(f" ({entry.count})")]

    def level_cards(self, data: LevelCards) -> list[nodes.Node]:
        """The home page's path through the course: one card per level, in order."""
        if self.paper:
            return []
        cards = []
        for level in data.levels:
            courses = nodes.bullet_list(classes=["course-level-courses"])
            for course in level.courses:
                courses += nodes.list_item("", nodes.paragraph("", "", self.link(*_pair(course))))
            count = nodes.paragraph(
                level.count, level.count, classes=["sd-card-text", "course-count"]
            )
            # Not a whole-card link: the card also links to each course.
            cards.append(
                _card(self.link(*_pair(level.link)), [count, courses], whole_card_link=False)
            )
        return [_grid(cards, "1 2 2 3")]

    def entry_index(self, data: EntryIndex) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for section in data.sections:
            out.append(nodes.rubric(section.heading, section.heading))
            for parent, children in section.parents:
                out.append(
                    nodes.paragraph(
                        "", "", self.link(*_pair(parent)), classes=["course-index-course"]
                    )
                )
                out.append(_plain_list(nodes.paragraph("", "", *self.counted(c)) for c in children))
        return out


BADGE_CLASSES = ["sd-sphinx-override", "sd-badge", "sd-bg-primary", "sd-bg-text-primary"]


def _pair(link: Link) -> tuple[str, str]:
    return link.docname, link.title


def _count(text: str) -> nodes.inline:
    return nodes.inline(text, text, classes=["course-count"])


def _card(title: nodes.Element, body: list[nodes.Node], *, whole_card_link: bool) -> nodes.Node:
    """A sphinx-design card (the component tree its ``card`` directive makes)."""
    classes = ["sd-card", "sd-sphinx-override", "sd-w-100", "sd-shadow-sm"]
    if whole_card_link:
        classes.append("sd-card-hover")
    card = create_component("card", [*classes, "course-card"])
    heading = create_component(
        "card-title",
        ["sd-card-title", "sd-font-weight-bold"],
        children=[PassthroughTextElement("", "", title)],
    )
    card += create_component("card-body", ["sd-card-body"], children=[heading, *body])
    return card


def _grid(cards: Iterable[nodes.Node], columns: str) -> nodes.Node:
    """A sphinx-design grid: container, row, one item per card."""
    row = create_component(
        "grid-row",
        ["sd-row", *row_columns_option(columns), *gutter_option("2")],
        children=[
            create_component("grid-item", ["sd-col", "sd-d-flex-row"], children=[card])
            for card in cards
        ],
    )
    return create_component(
        "grid-container", ["sd-container-fluid", "sd-sphinx-override", "sd-mb-4"], children=[row]
    )


def _plain_list(items: Iterable[nodes.Node]) -> nodes.bullet_list:
    blist = nodes.bullet_list()
    for item in items:
        blist += nodes.list_item("", item)
    return blist


# --- filling placeholders, translating once per folder ----------------------------------

#: Translator output by (builder, place, data): whole listings and single cards or links.
_MARKUP: BuildCache[dict[tuple[str, str, Hashable], str]] = BuildCache(
    "listing markup", lambda env: {}
)


def _targets(data: Listing) -> set[str]:
    """Every page a listing links to."""
    if isinstance(data, CardGrid):
        return {c.docname for c in data.cards}
    if isinstance(data, SimilarGroups):
        return {e.docname for _label, entries in data.groups for e in entries}
    if isinstance(data, LevelCards):
        return {
            d for lv in data.levels for d in (lv.link.docname, *(c.docname for c in lv.courses))
        }
    if isinstance(data, EntryIndex):
        return {
            d
            for s in data.sections
            for parent, children in s.parents
            for d in (parent.docname, *(c.docname for c in children))
        }
    raise TypeError(data)


def _words(data: Listing) -> str:
    """What the search index should know of a listing: its titles and texts."""
    if isinstance(data, CardGrid):
        return " ".join(f"{c.title} {c.badge or ''} {c.text}" for c in data.cards)
    return ""


def _assembled(app: Sphinx, key: ListingKey) -> Listing | None:
    """A handout assembles several pages: a placeholder's data is in the
    view of the page it was read from."""
    for page, keys in course_domain(app.env).data["listings"].items():
        if key in keys:
            return page_view(app.env, page).listing(key)
    return None


def fill_listings(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(listing))
    if not placeholders:
        return
    builder = app.builder
    html = builder.format == "html"
    renderer = ListingRenderer(builder, docname, paper=not html)
    shown = dict(page_view(app.env, docname).listings)
    for node in placeholders:
        key = (str(node["kind"]), str(node["entry"]), str(node["what"]))
        data = shown[key] if key in shown else _assembled(app, key)
        if data is None:
            node.replace_self([])
        elif not html or (isinstance(data, CardGrid) and not data.cards):
            node.replace_self(renderer.render(data))
        else:
            # Links from one page look the same from every page in its folder,
            # except a link to the page itself.
            place = (
                "\0" + docname
                if docname in _targets(data)
                else posixpath.dirname(builder.get_target_uri(docname))
            )
            navigation = isinstance(data, SimilarGroups) or (
                isinstance(data, CardGrid) and data.heading is not None
            )
            words = _words(data)
            block = listing_block(
                data=data,
                place=place,
                classes=["no-search"] if navigation else [],
            )
            if words and not navigation:
                block += nodes.Text(words)
            node.replace_self(block)


def visit_listing_block_html(self: HTML5Translator, node: listing_block) -> None:
    cache = _MARKUP.get(self.builder.env)
    key = (self.builder.name, str(node["place"]), node["data"])
    markup = cache.get(key)
    if markup is None:
        docname = self.builder.current_docname
        renderer = ListingRenderer(self.builder, docname, paper=False, translator=self)
        markup = cache[key] = translate(self, renderer.render(node["data"]))
    self.body.append(markup)
    raise nodes.SkipNode


def setup_listings(app: Sphinx) -> None:
    app.add_node(listing, html=(_skip, None), text=(_skip, None))
    app.add_node(
        listing_block,
        html=(visit_listing_block_html, None),
        text=(_skip, None),
    )
    app.add_directive("course-overview", CourseOverviewDirective)
    app.connect("doctree-read", record_listings, priority=700)
    app.connect("doctree-resolved", fill_listings)
