"""What each page shows of other pages, computed once per build as plain data.

Cards, counts, related articles, similar categories, the titles in links,
the sidebar, previous/next, glossary tooltips with their definitions,
citations, descriptions: everything a page takes from elsewhere is a field
of its :class:`PageView`. The renderers (listings.py, terms.py,
navigation.py, htmlpage.py) draw from the view and from nothing else, and
incremental.py digests the same view to decide which pages to rewrite, so a
new cross-page feature reaches both or neither.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.course import paths
from tools.course.catalog import ArticleRecord, Catalog, SimilarEntry, articles_count
from tools.course.frontmatter import is_article
from tools.course.taxonomy import Kind

from .caches import BuildCache
from .config import taxonomy_of
from .domain import CourseDomain, catalog_of, course_domain
from .navigation import nav_tree
from .specification_view import SpecificationView, points_of, specification_view
from .terms import glossary

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment


@dataclass(frozen=True)
class Link:
    docname: str
    title: str


@dataclass(frozen=True)
class Card:
    """A card linking to a page: its title, a badge and/or a count, a line of text."""

    docname: str
    title: str
    badge: str | None
    text: str
    count: str | None = None


@dataclass(frozen=True)
class CardGrid:
    """Cards in a grid; with a heading it is a closing block (related articles)."""

    cards: tuple[Card, ...]
    columns: str = "1 2 2 2"
    heading: str | None = None
    empty: str = ""


@dataclass(frozen=True)
class CountedLink:
    """A link to a listing page, with how many articles it lists (None: not shown)."""

    docname: str
    title: str
    count: int | None


@dataclass(frozen=True)
class SimilarGroups:
    """Labelled lines of links with counts ("At other levels: Basics (2) · ...")."""

    groups: tuple[tuple[str, tuple[CountedLink, ...]], ...]


@dataclass(frozen=True)
class LevelCard:
    link: Link
    count: str
    courses: tuple[Link, ...]


@dataclass(frozen=True)
class LevelCards:
    """The home page's path through the course: one card per level."""

    levels: tuple[LevelCard, ...]


@dataclass(frozen=True)
class IndexSection:
    """A heading, then parents (a course, a subject) each with its counted children."""

    heading: str
    parents: tuple[tuple[Link, tuple[CountedLink, ...]], ...]


@dataclass(frozen=True)
class EntryIndex:
    sections: tuple[IndexSection, ...]


Listing = CardGrid | SimilarGroups | LevelCards | EntryIndex

#: A listing placeholder: (kind, entry, what), as recorded when the page was read.
ListingKey = tuple[str, str, str]


@dataclass(frozen=True)
class TermTip:
    """A glossary link on the page, and the definition its tooltip shows."""

    anchor: str
    definition: str


@dataclass(frozen=True)
class CourseMap:
    """A course's articles in course order, and which builds on which (slug pairs)."""

    articles: tuple[tuple[str, Link], ...]  # (slug, link)
    edges: tuple[tuple[str, str], ...]  # (prerequisite, article)


@dataclass(frozen=True)
class Download:
    """A file a course or article page offers (student PDF, EPUB, Anki deck), found in the build.

    The size is part of the view, so a new or changed file rewrites the page.
    """

    label: str
    path: str  # absolute, in one of ``course_downloads``
    size: int
    target: str  # where the site publishes it, from the output folder


#: What a course page offers when `make site` built it: (file, label). Student
#: editions only: instructor handouts and LMS exports are never looked for.
COURSE_DOWNLOADS: tuple[tuple[str, str], ...] = (
    ("{slug}-student.pdf", "Student handout (PDF)"),
    ("{slug}.epub", "E-book (EPUB)"),
    ("{slug}.apkg", "Anki deck of the course's terms and questions"),
)
#: What an article page offers: its own student-edition PDF (tools/outputs/site.py).
ARTICLE_DOWNLOADS: tuple[tuple[str, str], ...] = (
    ("articles/{slug}-student.pdf", "This article (PDF)"),
)
#: Where the site keeps the downloads, by kind of page.
DOWNLOAD_FOLDERS = {"course": "_downloads/course", "article": "_downloads/article"}


def _download_files(env: BuildEnvironment) -> dict[str, dict[str, int]]:
    """Every file under each ``course_downloads`` folder (path inside it -> size), listed once
    per build: the views' one input outside the environment."""
    listed: dict[str, dict[str, int]] = {}
    for folder in env.config.course_downloads:
        files: dict[str, int] = {}
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(root, name)
                if os.path.isfile(path):
                    files[Path(path).relative_to(folder).as_posix()] = os.stat(path).st_size
        listed[folder] = files
    return listed


_DOWNLOAD_FILES: BuildCache[dict[str, dict[str, int]]] = BuildCache(
    "download files", _download_files
)


def downloads_of(env: BuildEnvironment, docname: str) -> tuple[Download, ...]:
    """What a course or article page offers for download, from the first folder that has it."""
    generated = paths.parse_generated(docname)
    if generated is not None and generated[0] == Kind.COURSE:
        kind, slug, offered = "course", generated[1], COURSE_DOWNLOADS
    elif is_article(docname):
        kind, slug, offered = "article", paths.article_slug(docname), ARTICLE_DOWNLOADS
    else:
        return ()
    listed = _DOWNLOAD_FILES.get(env)
    found = []
    for pattern, label in offered:
        name = pattern.format(slug=slug)
        for folder in env.config.course_downloads:
            size = listed[folder].get(name)
            if size is not None:
                target = f"{DOWNLOAD_FOLDERS[kind]}/{Path(name).name}"
                found.append(Download(label, str(Path(folder, name)), size, target))
                break
    return tuple(found)


def outside_inputs(env: BuildEnvironment) -> str:
    """A digest of what views read from outside the environment: the download files.

    Everything else a view shows comes from the environment (or from data files
    whose digest is an ``env`` config value, so a change re-reads every page).
    :func:`downloads_of` reads files only through the listing digested here;
    when it is unchanged and a build read no page, every view is what it was.
    """
    return hashlib.sha256(repr(_DOWNLOAD_FILES.get(env)).encode("utf-8")).hexdigest()


def _formatted_citations(env: BuildEnvironment) -> dict[str, tuple[str, ...]]:
    """Every page's reference-list entries (sphinxcontrib-bibtex, if loaded), each
    "key: formatted text", sorted."""
    cite = env.domains.get("cite")
    citations: list[Any] = getattr(cite, "citations", [])
    listed: dict[str, list[str]] = {}
    for c in citations:
        text = f"{c.key}: {c.formatted_entry.text.render_as('text')}"
        listed.setdefault(c.bibliography_key.docname, []).append(text)
    return {doc: tuple(sorted(texts)) for doc, texts in sorted(listed.items())}


_CITATIONS: BuildCache[dict[str, tuple[str, ...]]] = BuildCache("citations", _formatted_citations)


def shared_inputs(env: BuildEnvironment) -> str:
    """A digest of everything a view reads that other pages contribute to.

    A view is a function of these and of its own page's entries (the links,
    listings and terms recorded when the page was read). So when this digest
    is unchanged, only the pages read again in this build can show anything
    new, and incremental.py computes only their views. The list is checked,
    not trusted: with ``COURSE_VERIFY_VIEWS=1`` (the tests set it) every view
    is computed anyway and a page whose view changed unannounced fails the
    build, naming it, so a new cross-page input missing here fails a test.
    """
    domain = course_domain(env)
    glossed = glossary(env)
    parts = (
        sorted(domain.articles.items()),
        nav_tree(env).outline(),
        sorted(relations(env).items(), key=lambda item: item[0]),
        sorted((doc, title.astext()) for doc, title in env.titles.items()),
        [(key, glossed[key].anchor, glossed[key].definition) for key in sorted(glossed)],
        _CITATIONS.get(env),  # in page order already
        sorted(points_of(env).items()),
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PageView:
    """Everything on one page that comes from other pages."""

    links: tuple[tuple[str, str | None], ...]
    listings: tuple[tuple[ListingKey, Listing | None], ...]
    terms: tuple[TermTip, ...]
    sidebar: tuple[Any, ...]
    neighbours: tuple[Link | None, Link | None]
    description: str | None
    citations: tuple[str, ...]
    prerequisites: tuple[Link, ...] = ()
    course_map: CourseMap | None = None
    downloads: tuple[Download, ...] = ()
    specification: SpecificationView | None = None  # exam-specification points or coverage

    def listing(self, key: ListingKey) -> Listing | None:
        return dict(self.listings).get(key)


SIMILAR_LABELS = {
    "other_levels": "At other levels",
    "siblings": "In this course",
    "topics": "Topics",
    "categories": "Course categories",
}

#: What the generated overview pages hold (their bodies are lists, no prose to quote).
OVERVIEW_DESCRIPTIONS = {
    paths.A_TO_Z_PAGE: "Every article of the course, A to Z, with its level and summary.",
    paths.TOPICS_PAGE: "The course's topics, grouped by subject, with how many articles each has.",
    paths.CATEGORIES_PAGE: (
        "Every course category by level and course, and every topic by subject, "
        "with how many articles each has."
    ),
}


# --- listings -------------------------------------------------------------------


def _article_card(catalog: Catalog, rec: ArticleRecord) -> Card:
    badge = catalog.taxonomy.level(rec.level).title if rec.level else None
    return Card(rec.docname, rec.title, badge, rec.summary)


def _entry_cards(catalog: Catalog, kind: Kind, slugs: list[str]) -> CardGrid:
    cards = []
    for slug in slugs:
        entry = catalog.taxonomy.get(kind, slug)
        count = articles_count(catalog.count(kind, slug))
        cards.append(
            Card(paths.generated_docname(kind, slug), entry.title, None, entry.description, count)
        )
    return CardGrid(tuple(cards), columns="1 2 3 3")


def _counted(catalog: Catalog, kind: str, slug: str, title: str) -> CountedLink:
    return CountedLink(paths.generated_docname(kind, slug), title, catalog.count(kind, slug))


def _similar(
    catalog: Catalog, groups: dict[str, list[SimilarEntry]], *, counts: bool = True
) -> SimilarGroups:
    tx = catalog.taxonomy
    return SimilarGroups(
        tuple(
            (
                SIMILAR_LABELS[key],
                tuple(
                    CountedLink(
                        paths.generated_docname(e.kind, e.slug),
                        paths.page_title(tx, e.kind, e.slug),
                        e.count if counts else None,
                    )
                    for e in entries
                ),
            )
            for key, entries in groups.items()
            if entries
        )
    )


def _level_cards(catalog: Catalog) -> LevelCards:
    return LevelCards(
        tuple(
            LevelCard(
                Link(paths.generated_docname(Kind.LEVEL, lv.slug), lv.title),
                articles_count(catalog.count(Kind.LEVEL, lv.slug)),
                tuple(
                    Link(paths.generated_docname(Kind.COURSE, c.slug), c.title) for c in lv.courses
                ),
            )
            for lv in catalog.taxonomy.levels
        )
    )


def _entry_index(catalog: Catalog) -> EntryIndex:
    tx = catalog.taxonomy
    sections = [
        IndexSection(
            lv.title,
            tuple(
                (
                    Link(paths.generated_docname(Kind.COURSE, course.slug), course.title),
                    tuple(
                        _counted(catalog, Kind.CATEGORY, c.slug, c.title) for c in course.categories
                    ),
                )
                for course in lv.courses
            ),
        )
        for lv in tx.levels
    ]
    sections.append(
        IndexSection(
            "Topics by subject",
            tuple(
                (
                    Link(paths.generated_docname(Kind.SUBJECT, s.slug), s.title),
                    tuple(_counted(catalog, Kind.TOPIC, t.slug, t.title) for t in s.topics),
                )
                for s in tx.subjects
            ),
        )
    )
    return EntryIndex(tuple(sections))


def listing_view(catalog: Catalog, key: ListingKey) -> Listing | None:
    """The data of one listing placeholder: what it shows, whatever the output."""
    kind, slug, what = key
    tx = catalog.taxonomy
    if what == "related":
        record = catalog.by_slug.get(slug)
        if record is None or not record.show_related:
            return None
        related = catalog.related(slug)
        cards = tuple(_article_card(catalog, r) for r in related)
        return CardGrid(cards, heading="Related articles") if cards else None
    if what == "similar":
        if kind == Kind.CATEGORY:
            return _similar(catalog, catalog.similar_for_category(slug))
        if kind == Kind.TOPIC:
            return _similar(catalog, catalog.similar_for_topic(slug))
        # Without counts on an article: they are on the category pages the links lead to,
        # and an article moving category would otherwise change every article that
        # shows either category (most of a level's pages at 1,000 articles).
        record = catalog.by_slug.get(slug)
        if record is None:
            return None
        return _similar(catalog, catalog.similar_for_article(record), counts=False)
    if kind in (Kind.CATEGORY, Kind.TOPIC, "a-z"):
        if kind == Kind.CATEGORY:
            records = catalog.in_category(slug)
        elif kind == Kind.TOPIC:
            records = catalog.in_topic(slug)
        else:
            records = catalog.alphabetical()
        return CardGrid(tuple(_article_card(catalog, r) for r in records), empty="No articles yet.")
    if kind == Kind.LEVEL:
        return _entry_cards(catalog, Kind.COURSE, [c.slug for c in tx.level(slug).courses])
    if kind == Kind.COURSE:
        return _entry_cards(catalog, Kind.CATEGORY, [c.slug for c in tx.course(slug).categories])
    if kind == Kind.SUBJECT:
        return _entry_cards(catalog, Kind.TOPIC, [t.slug for t in tx.subject(slug).topics])
    if kind == "topics":
        return _entry_cards(catalog, Kind.SUBJECT, [s.slug for s in tx.subjects])
    if kind == "categories":
        return _entry_index(catalog)
    if kind == "home":
        return _level_cards(catalog)
    return None


# --- the rest of a page ------------------------------------------------------------


def relations(env: BuildEnvironment) -> dict[str, list[str | None]]:
    """Sphinx's parent/previous/next map, collected once per build (it walks every page)."""
    return _RELATIONS.get(env)


_RELATIONS: BuildCache[dict[str, list[str | None]]] = BuildCache(
    "relations", lambda env: env.collect_relations()
)


def course_of(env: BuildEnvironment, docname: str | None) -> str | None:
    """The course a page belongs to (articles and generated pages), else None."""
    if not docname:
        return None
    if is_article(docname):
        record = course_domain(env).articles.get(docname)
        return record.course if record else None
    generated = paths.parse_generated(docname)
    if generated is None:
        return None
    kind, slug = generated
    if kind == Kind.COURSE:
        return slug
    if kind == Kind.CATEGORY:
        return taxonomy_of(env).category(slug).course
    return None


def _neighbours(env: BuildEnvironment, docname: str) -> tuple[Link | None, Link | None]:
    """Previous and next page, kept only within the page's course.

    Between articles of a course they follow course order (Catalog.in_course:
    categories, ``order``, prerequisites, title); elsewhere the contents order.
    """
    course = course_of(env, docname)
    rel = relations(env).get(docname, [None, None, None])
    record = course_domain(env).articles.get(docname) if is_article(docname) else None
    if record is not None and record.course:
        catalog = catalog_of(env)
        ordered = catalog.in_course(record.course)
        at = catalog.place_in_course(record.course, docname)
        if at is not None:
            taxonomy = taxonomy_of(env)

            def link(other: ArticleRecord) -> Link:
                """The neighbour's title, and its category's name where the step crosses one."""
                if other.category and other.category != record.category:
                    return Link(
                        other.docname, f"{other.title} ({taxonomy.category(other.category).title})"
                    )
                return Link(other.docname, other.title)

            before = link(ordered[at - 1]) if at > 0 else None
            after = link(ordered[at + 1]) if at + 1 < len(ordered) else None
            return before, after
    out: list[Link | None] = []
    for neighbour in rel[1:3]:
        if neighbour is None or (course is not None and course_of(env, neighbour) != course):
            out.append(None)
        else:
            title = env.titles[neighbour].astext() if neighbour in env.titles else neighbour
            out.append(Link(neighbour, title))
    return out[0], out[1]


def page_description(env: BuildEnvironment, docname: str) -> str | None:
    """A page's one-line description: its summary or its taxonomy entry's description."""
    if docname in OVERVIEW_DESCRIPTIONS:
        return OVERVIEW_DESCRIPTIONS[docname]
    if is_article(docname):
        record = course_domain(env).articles.get(docname)
        return record.summary if record and record.summary else None
    generated = paths.parse_generated(docname)
    if generated:
        entry = taxonomy_of(env).get(*generated)
        return str(entry.description) if entry else None
    return None


def _citations(env: BuildEnvironment, docname: str) -> tuple[str, ...]:
    """The formatted reference-list entries a page shows (sphinxcontrib-bibtex, if loaded)."""
    return _CITATIONS.get(env).get(docname, ())


def _terms(env: BuildEnvironment, domain: CourseDomain, docname: str) -> tuple[TermTip, ...]:
    entries = glossary(env)
    tips = {}
    for term in domain.data["terms"].get(docname, ()):
        entry = entries.get(term)
        if entry is not None:
            tips[entry.anchor] = TermTip(entry.anchor, entry.definition)
    return tuple(tips[a] for a in sorted(tips))


def _prerequisites(catalog: Catalog, docname: str) -> tuple[Link, ...]:
    """The articles an article builds on ("Before you start"), by their current titles."""
    record = catalog.by_slug.get(paths.article_slug(docname)) if is_article(docname) else None
    if record is None:
        return ()
    found = (catalog.by_slug.get(s) for s in record.prerequisites)
    return tuple(Link(r.docname, r.title) for r in found if r is not None)


def _course_map(catalog: Catalog, docname: str) -> CourseMap | None:
    """On a course page: its articles in course order and their prerequisites."""
    generated = paths.parse_generated(docname)
    if generated is None or generated[0] != Kind.COURSE:
        return None
    records = catalog.in_course(generated[1])
    slugs = {r.slug for r in records}
    return CourseMap(
        tuple((r.slug, Link(r.docname, r.title)) for r in records),
        tuple((p, r.slug) for r in records for p in r.prerequisites if p in slugs),
    )


def _compute(env: BuildEnvironment, docname: str) -> PageView:
    domain = course_domain(env)
    catalog = catalog_of(env)
    links = tuple(
        (s, catalog.by_slug[s].title if s in catalog.by_slug else None)
        for s in sorted(domain.data["links"].get(docname, ()))
    )
    listings = tuple(
        (key, listing_view(catalog, key)) for key in domain.data["listings"].get(docname, ())
    )
    return PageView(
        links=links,
        listings=listings,
        terms=_terms(env, domain, docname),
        sidebar=nav_tree(env).view(docname),
        neighbours=_neighbours(env, docname),
        description=page_description(env, docname),
        citations=_citations(env, docname),
        prerequisites=_prerequisites(catalog, docname),
        course_map=_course_map(catalog, docname),
        downloads=downloads_of(env, docname),
        specification=specification_view(env, docname),
    )


_VIEWS: BuildCache[dict[str, PageView]] = BuildCache("page views", lambda env: {})


def page_view(env: BuildEnvironment, docname: str) -> PageView:
    """The view of *docname*, computed on first use in this build."""
    views = _VIEWS.get(env)
    view = views.get(docname)
    if view is None:
        view = views[docname] = _compute(env, docname)
    return view
