"""Listings that depend on other pages: cards, related articles, similar categories.

Pages hold a ``listing`` placeholder from reading; it is filled in
``doctree-resolved`` from the catalog (built once per build from the merged
environment), as ``sphinx.ext.todo`` fills its ``todolist``. HTML gets
sphinx-design cards, written as markup once per output folder (fragments.py);
other builders (LaTeX handouts) get plain lists of nodes, and the related
block prints as a short "See also".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx.errors import NoUri
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from tools.course import paths
from tools.course.catalog import ArticleRecord, Catalog, SimilarEntry, articles_count

from . import fragments
from .config import taxonomy_of
from .domain import catalog_of, fragments_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.util.typing import OptionSpec

LISTING_KINDS = (
    "level",
    "course",
    "category",
    "subject",
    "topic",
    "topics",
    "categories",
    "a-z",
    "home",
)


class listing(nodes.General, nodes.Element):
    """Placeholder: ``what`` ('articles', 'children', 'related', 'similar') of ``kind``/``entry``.

    (Not ``slug``: MyST turns a ``slug`` attribute into an HTML id.)
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
        what = {
            "level": "children",
            "course": "children",
            "subject": "children",
            "topics": "children",
            "categories": "children",
        }.get(kind, "articles")
        out.append(listing(kind=kind, entry=slug, what=what))
        if kind in ("category", "topic"):
            out.append(listing(kind=kind, entry=slug, what="similar"))
        for node in out:
            self.set_source_info(node)
        return out


# --- building blocks ----------------------------------------------------------


def _link(builder: Builder, fromdoc: str, todoc: str, text: str) -> nodes.Node:
    """A link to another page, or plain text where the output has no such page (a handout)."""
    inner = nodes.inline(text, text)
    try:
        return make_refnode(builder, fromdoc, todoc, "", inner)
    except NoUri:
        return inner


def _html(markup: str, *classes: str) -> nodes.Node:
    """Pre-rendered HTML (fragments.py), inside a div with *classes* if any."""
    raw = nodes.raw("", markup, format="html")
    if not classes:
        return raw
    block = nodes.container(classes=list(classes), is_div=True)
    block += raw
    return block


def _plain_list(items: Iterable[nodes.Node]) -> nodes.bullet_list:
    blist = nodes.bullet_list()
    for item in items:
        li = nodes.list_item()
        li += item if isinstance(item, nodes.paragraph) else nodes.paragraph("", "", item)
        blist += li
    return blist


class ListingRenderer:
    """Turns catalog answers into nodes (or HTML) for one page and one builder."""

    def __init__(self, app: Sphinx, catalog: Catalog, docname: str) -> None:
        self.builder = app.builder
        #: Card and link markup for HTML builders; None for the others (plain lists).
        self.html = fragments_of(app) if app.builder.format == "html" else None
        self.catalog = catalog
        self.taxonomy = catalog.taxonomy
        self.docname = docname

    def level_badge(self, level: str | None) -> str | None:
        return self.taxonomy.level(level).title if level else None

    def article_cards(
        self, records: list[ArticleRecord], empty: str = "No articles yet."
    ) -> list[nodes.Node]:
        if not records:
            return [nodes.paragraph(empty, empty, classes=["course-empty"])]
        if self.html is None:
            return [
                _plain_list(
                    nodes.paragraph(
                        "",
                        "",
                        _link(self.builder, self.docname, r.docname, r.title),
                        nodes.Text(f" — {r.summary}" if r.summary else ""),
                    )
                    for r in records
                )
            ]
        return [_html(self._article_grid(self.html, records))]

    def _article_grid(self, html: fragments.Fragments, records: list[ArticleRecord]) -> str:
        make = html.card
        return fragments.grid(
            make(self.docname, r.docname, r.title, self.level_badge(r.level), r.summary)
            for r in records
        )

    def entry_cards(self, kind: str, slugs: list[str]) -> list[nodes.Node]:
        items = []
        for slug in slugs:
            entry = self.taxonomy.get(kind, slug)
            count = articles_count(self.catalog.count(kind, slug))
            title = entry.title
            items.append((paths.generated_docname(kind, slug), title, count, entry.description))
        if self.html is None:
            return [
                _plain_list(
                    nodes.paragraph(
                        "",
                        "",
                        _link(self.builder, self.docname, doc, title),
                        nodes.Text(f" ({count})"),
                    )
                    for doc, title, count, _ in items
                )
            ]
        make = self.html.card
        cards = (
            make(self.docname, doc, title, None, desc, extra=count)
            for doc, title, count, desc in items
        )
        return [_html(fragments.grid(cards, columns="1 2 3 3"))]

    def similar(self, groups: dict[str, list[SimilarEntry]]) -> list[nodes.Node]:
        if self.html is None:
            return []  # handouts: navigation to other pages is no use on paper
        labels = {
            "other_levels": "At other levels",
            "siblings": "In this course",
            "topics": "Topics",
            "categories": "Course categories",
        }
        link = self.html.link
        out = [fragments.block_title("Similar categories")]
        for key, entries in groups.items():
            if not entries:
                continue
            links = " · ".join(
                link(
                    self.docname,
                    paths.generated_docname(entry.kind, entry.slug),
                    paths.page_title(self.taxonomy, entry.kind, entry.slug),
                )
                + fragments.count_span(f" ({entry.count})")
                for entry in entries
            )
            label = fragments.encode(labels[key] + ": ")
            out.append(f'<p class="course-similar-group"><strong>{label}</strong>{links}</p>\n')
        return [_html("".join(out), "course-similar", "no-search")] if len(out) > 1 else []

    def related(self, record: ArticleRecord) -> list[nodes.Node]:
        related = self.catalog.related(record.slug)
        if not related or not record.show_related:
            return []
        if self.html is None:
            para = nodes.paragraph()
            para += nodes.strong("See also: ", "See also: ")
            for i, r in enumerate(related):
                if i:
                    para += nodes.Text("; ")
                para += _link(self.builder, self.docname, r.docname, r.title)
            return [para]
        markup = fragments.block_title("Related articles") + self._article_grid(self.html, related)
        return [_html(markup, "course-related", "no-search")]

    def render(self, node: listing) -> list[nodes.Node]:
        kind, slug, what = node["kind"], node["entry"], node["what"]
        tx, cat = self.taxonomy, self.catalog
        if what == "related":
            record = cat.by_slug.get(slug)
            return self.related(record) if record else []
        if what == "similar":
            if kind == "category":
                return self.similar(cat.similar_for_category(slug))
            if kind == "topic":
                return self.similar(cat.similar_for_topic(slug))
            record = cat.by_slug.get(slug)
            return self.similar(cat.similar_for_article(record)) if record else []
        if kind == "category":
            return self.article_cards(cat.in_category(slug))
        if kind == "topic":
            return self.article_cards(cat.in_topic(slug))
        if kind == "a-z":
            return self.article_cards(cat.alphabetical())
        if kind == "level":
            return self.entry_cards("course", [c.slug for c in tx.level(slug).courses])
        if kind == "course":
            return self.entry_cards("category", [c.slug for c in tx.course(slug).categories])
        if kind == "subject":
            return self.entry_cards("topic", [t.slug for t in tx.subject(slug).topics])
        if kind == "topics":
            return self.entry_cards("subject", [s.slug for s in tx.subjects])
        if kind == "categories":
            return self.all_categories()
        if kind == "home":
            return self.level_cards()
        return []

    def level_cards(self) -> list[nodes.Node]:
        """The home page's path through the course: one card per level, in order."""
        if self.html is None:
            return []
        link = self.html.link
        cards = []
        for level in self.taxonomy.levels:
            count = articles_count(self.catalog.count("level", level.slug))
            courses = "".join(
                f"<li><p>{link(self.docname, paths.generated_docname('course', c.slug), c.title)}</p></li>\n"
                for c in level.courses
            )
            body = (
                f'<p class="sd-card-text course-count">{fragments.encode(count)}</p>\n'
                f'<ul class="course-level-courses simple">\n{courses}</ul>\n'
            )
            title = link(self.docname, paths.generated_docname("level", level.slug), level.title)
            # Not a whole-card link: the card also links to each course.
            cards.append(fragments.card_shell(title, body, whole_card_link=False))
        return [_html(fragments.grid(cards, columns="1 2 2 3"))]

    def all_categories(self) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for level in self.taxonomy.levels:
            out.append(nodes.rubric(level.title, level.title))
            for course in level.courses:
                para = nodes.paragraph(classes=["course-index-course"])
                para += _link(
                    self.builder,
                    self.docname,
                    paths.generated_docname("course", course.slug),
                    course.title,
                )
                out.append(para)
                out.append(
                    _plain_list(
                        self._count_link("category", c.slug, c.title) for c in course.categories
                    )
                )
        out.append(nodes.rubric("Topics by subject", "Topics by subject"))
        for subject in self.taxonomy.subjects:
            para = nodes.paragraph(classes=["course-index-course"])
            para += _link(
                self.builder,
                self.docname,
                paths.generated_docname("subject", subject.slug),
                subject.title,
            )
            out.append(para)
            out.append(
                _plain_list(self._count_link("topic", t.slug, t.title) for t in subject.topics)
            )
        return out

    def _count_link(self, kind: str, slug: str, title: str) -> nodes.paragraph:
        return nodes.paragraph(
            "",
            "",
            _link(self.builder, self.docname, paths.generated_docname(kind, slug), title),
            nodes.inline("", f" ({self.catalog.count(kind, slug)})", classes=["course-count"]),
        )


def fill_listings(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(listing))
    if not placeholders:
        return
    renderer = ListingRenderer(app, catalog_of(app.env), docname)
    for node in placeholders:
        node.replace_self(renderer.render(node))


def setup_listings(app: Sphinx) -> None:
    app.add_node(listing, html=(_skip, None), latex=(_skip, None), text=(_skip, None))
    app.add_directive("course-overview", CourseOverviewDirective)
    app.connect("doctree-resolved", fill_listings)
