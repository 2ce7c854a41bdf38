"""The ``course`` domain: article records on the environment, and cross-references.

Per-document data lives in ``self.data`` so that it is pickled with the
environment, purged when a page is re-read and merged after a parallel read.
Links made by the ``{article}``, ``{category}``, ``{topic}``, ``{level}`` and
``{course}`` roles are ``pending_xref`` nodes resolved here, late, so a
renamed title updates every link, in HTML and in LaTeX alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.domains import Domain, Index, IndexEntry
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from tools.course import paths
from tools.course.catalog import ArticleRecord, Catalog, articles_count
from tools.course.suggest import did_you_mean
from tools.course.taxonomy import Kind, Taxonomy

from .caches import BuildCache
from .config import taxonomy_of

if TYPE_CHECKING:
    from docutils.nodes import Element
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


class CourseXRefRole(XRefRole):
    """``{article}`slug``` and friends: always the ``course`` domain, whatever the page's default."""

    def __init__(self, kind: str) -> None:
        # Text, not code: a link to a page reads as prose ("developed in The
        # Working Memory Model"), not in the monospace font of a code literal.
        super().__init__(warn_dangling=True, innernodeclass=nodes.inline)
        self.kind = kind

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        self.refdomain, self.reftype = "course", self.kind
        self.classes = ["xref", "course", f"course-{self.kind}"]
        return self.create_xref_node()


class _CountedIndex(Index):
    """Taxonomy entries of one kind, in groups, each with its article count.

    In a handout (``docnames`` given) only the entries whose page it contains.
    """

    kind: ClassVar[Kind]

    def groups(self, taxonomy: Taxonomy) -> Iterable[tuple[str, list[tuple[str, str, str]]]]:
        """(group title, [(slug, title, qualifier)]) in taxonomy order."""
        raise NotImplementedError

    def generate(
        self, docnames: Iterable[str] | None = None
    ) -> tuple[list[tuple[str, list[IndexEntry]]], bool]:
        domain = self.domain
        assert isinstance(domain, CourseDomain)
        catalog = domain.catalog()
        wanted = None if docnames is None else set(docnames)
        content = []
        for group, items in self.groups(catalog.taxonomy):
            entries = []
            for slug, title, qualifier in items:
                page = paths.generated_docname(self.kind, slug)
                if wanted is None or page in wanted:
                    count = articles_count(catalog.count(self.kind, slug))
                    entries.append(IndexEntry(title, 0, page, "", qualifier, "", count))
            if entries:
                content.append((group, entries))
        return content, False


class CategoryIndex(_CountedIndex):
    """Every course category, grouped by level, with its course and article count."""

    name = "categories"
    localname = "Index of course categories"
    shortname = "categories"
    kind = Kind.CATEGORY

    def groups(self, taxonomy: Taxonomy) -> Iterable[tuple[str, list[tuple[str, str, str]]]]:
        for level in taxonomy.levels:
            yield (
                level.title,
                [
                    (cat.slug, cat.title, course.title)
                    for course in level.courses
                    for cat in course.categories
                ],
            )


class TopicIndex(_CountedIndex):
    """Every topic category, grouped by subject, with its article count."""

    name = "topics"
    localname = "Index of topics"
    shortname = "topics"
    kind = Kind.TOPIC

    def groups(self, taxonomy: Taxonomy) -> Iterable[tuple[str, list[tuple[str, str, str]]]]:
        for subject in taxonomy.subjects:
            yield subject.title, [(t.slug, t.title, "") for t in subject.topics]


class CourseDomain(Domain):
    """Holds every article's record; resolves links to articles and taxonomy pages."""

    name = "course"
    label = "Course"
    roles: ClassVar[dict[str, Any]] = {k: CourseXRefRole(k) for k in ("article", *Kind)}
    initial_data: ClassVar[dict[str, Any]] = {
        "articles": {},  # docname -> ArticleRecord
        "reread": set(),  # docnames with front-matter problems, read again each build
        "links": {},  # docname -> set of article slugs the page links to
        "terms": {},  # docname -> glossary terms the page links to
        "listings": {},  # docname -> the page's listing placeholders, (kind, entry, what)
        "views": {},  # builder -> docname -> digest of what the page showed when last written
        "views_outside": {},  # builder -> digest of the files views read (views.outside_inputs)
        "views_shared": {},  # builder -> digest of what views read of all pages (shared_inputs)
    }
    indices: ClassVar[list[type[Index]]] = [CategoryIndex, TopicIndex]
    data_version = 6

    @property
    def articles(self) -> dict[str, ArticleRecord]:
        return self.data["articles"]  # type: ignore[no-any-return]

    def catalog(self) -> Catalog:
        """The catalog over the current records (made once per build, see caches.py)."""
        return catalog_of(self.env)

    def note_article(self, record: ArticleRecord) -> None:
        self.articles[record.docname] = record

    def note_links(self, docname: str, slugs: set[str]) -> None:
        if slugs:
            self.data["links"][docname] = slugs

    def note_terms(self, docname: str, terms: set[str]) -> None:
        if terms:
            self.data["terms"][docname] = terms

    def note_listings(self, docname: str, keys: tuple[tuple[str, str, str], ...]) -> None:
        if keys:
            self.data["listings"][docname] = keys

    def note_reread(self, docname: str) -> None:
        self.data["reread"].add(docname)

    def clear_doc(self, docname: str) -> None:
        self.articles.pop(docname, None)
        for key in ("links", "terms", "listings"):
            self.data[key].pop(docname, None)
        self.data["reread"].discard(docname)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            if docname in otherdata["articles"]:
                self.articles[docname] = otherdata["articles"][docname]
            for key in ("links", "terms", "listings"):
                if docname in otherdata[key]:
                    self.data[key][docname] = otherdata[key][docname]
            if docname in otherdata["reread"]:
                self.data["reread"].add(docname)

    def article_by_slug(self, slug: str) -> ArticleRecord | None:
        docname = paths.article_docname(slug)
        return self.articles.get(docname)

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference | None:
        found = self.lookup(env, typ, target)
        if found is None:
            return None
        docname, title = found
        if not node.get("refexplicit"):
            contnode = contnode.deepcopy()
            contnode.children = [nodes.Text(title)]
        ref = make_refnode(builder, fromdocname, docname, "", contnode, title)
        uri = str(ref.get("refuri", ""))
        if builder.format == "handout" and "://" in uri:
            # On paper a link is only its words: a page outside this handout
            # prints its web address after its title.
            ref += nodes.inline("", f" ({uri})", classes=["course-address"])
        return ref

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, nodes.reference]]:
        results = []
        for typ in ("article", *Kind):
            ref = self.resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
            if ref is not None:
                results.append((f"course:{typ}", ref))
        return results

    def lookup(self, env: BuildEnvironment, typ: str, slug: str) -> tuple[str, str] | None:
        """(docname, title) of the page a slug of this kind names, if it exists."""
        if typ == "article":
            record = self.article_by_slug(slug)
            return (record.docname, record.title) if record else None
        taxonomy = taxonomy_of(env)
        if taxonomy.get(typ, slug) is None:
            return None
        return paths.generated_docname(typ, slug), paths.page_title(taxonomy, typ, slug)

    def candidates(self, env: BuildEnvironment, typ: str) -> Iterable[str]:
        if typ == "article":
            return [r.slug for r in self.articles.values()]
        return taxonomy_of(env).slugs(typ)

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        for record in self.articles.values():
            # Priority -1: in objects.inv for intersphinx, but not a separate search hit.
            yield record.slug, record.title, "article", record.docname, "", -1


def course_domain(env: BuildEnvironment) -> CourseDomain:
    domain = env.domains["course"]
    assert isinstance(domain, CourseDomain)
    return domain


_CATALOG: BuildCache[Catalog] = BuildCache(
    "catalog", lambda env: Catalog(taxonomy_of(env), course_domain(env).articles.values())
)


def catalog_of(env: BuildEnvironment) -> Catalog:
    """The catalog over the merged records, made once per build."""
    return _CATALOG.get(env)


def warn_missing_reference(app: Sphinx, domain: Domain, node: pending_xref) -> bool | None:
    """Our own message for a dangling link: where it is, and the nearest slug."""
    if not isinstance(domain, CourseDomain):
        return None
    typ, target = node["reftype"], node["reftarget"]
    hint = did_you_mean(target, domain.candidates(app.env, typ))
    logger.warning(
        "{%s} role: no %s with slug %r%s",
        typ,
        typ,
        target,
        hint,
        location=node,
        type="course",
        subtype="ref",
    )
    return True


def setup_domain(app: Sphinx) -> None:
    app.add_domain(CourseDomain)
    for kind in ("article", *Kind):
        app.add_role(kind, CourseXRefRole(kind))
    app.connect("warn-missing-reference", warn_missing_reference)
