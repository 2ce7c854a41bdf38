"""Exam specifications in the build: loaded with the configuration, recorded per article,
and turned into the plain data a page shows (its part of the page's view, views.py).

The files of ``conf/specifications/`` (the folder beside the taxonomy) are
loaded once at ``config-inited``; their digest is an ``env`` config value, so
editing one re-reads every page, as editing the taxonomy does. Each article's
valid content-point ids are kept per document on the environment (purged and
merged like the course domain's data). What a page shows of them is computed
here from the merged data: a coverage page its specification's points and the
articles that teach each, a course page the coverage of its specifications, an
article its own points. views.py puts that in the page's PageView, so the
incremental build rewrites exactly the pages whose part changed.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tools.course import paths
from tools.course.frontmatter import is_article
from tools.course.specification import (
    Coverage,
    Specification,
    SpecificationError,
    Specifications,
    coverage,
    load_specifications,
    specifications_folder,
)
from tools.course.taxonomy import Kind

from .caches import BuildCache
from .config import load_once, taxonomy_for
from .domain import catalog_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

#: Environment attribute: docname -> the article's valid content-point ids.
ENV_KEY = "course_spec_points"

_LOADED: dict[str, Specifications] = {}


def specifications_for(config: Config) -> Specifications:
    """The specifications beside the configuration's taxonomy (loaded once per process)."""
    folder = str(specifications_folder(config.course_taxonomy))
    return load_once(
        _LOADED,
        folder,
        lambda: load_specifications(folder, taxonomy_for(config)),
        SpecificationError,
    )


def specifications_of(env: BuildEnvironment) -> Specifications:
    return specifications_for(env.config)


def _load(app: Sphinx, config: Config) -> None:
    """Load the files afresh (after config.py made the taxonomy path absolute); note their digest."""
    _LOADED.pop(str(specifications_folder(config.course_taxonomy)), None)
    config.course_specifications_digest = specifications_for(config).digest


# --- per-document data ---------------------------------------------------------------


def points_of(env: BuildEnvironment) -> dict[str, tuple[str, ...]]:
    store: dict[str, tuple[str, ...]] | None = getattr(env, ENV_KEY, None)
    if store is None:
        store = {}
        setattr(env, ENV_KEY, store)
    return store


def note_points(env: BuildEnvironment, docname: str, ids: tuple[str, ...]) -> None:
    if ids:
        points_of(env)[docname] = ids


def purge_points(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    points_of(env).pop(docname, None)


def merge_points(
    app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment
) -> None:
    theirs = points_of(other)
    points_of(env).update({d: theirs[d] for d in docnames if d in theirs})


# --- what pages show ----------------------------------------------------------------


@dataclass(frozen=True)
class ArticleLink:
    docname: str
    title: str


@dataclass(frozen=True)
class PointRow:
    """A content point on a coverage page: what it covers and the articles that teach it."""

    number: str
    title: str
    items: tuple[str, ...]
    anchor: str
    articles: tuple[ArticleLink, ...]


@dataclass(frozen=True)
class TopicRows:
    number: str
    title: str
    section: str | None
    points: tuple[PointRow, ...]


@dataclass(frozen=True)
class CoverageView:
    """One specification's coverage: its page, its topics and points, and the counts."""

    spec: str
    docname: str
    title: str
    label: str
    version: str
    url: str | None
    topics: tuple[TopicRows, ...]
    covered: int
    total: int
    courses: tuple[ArticleLink, ...]  # the course pages it is taught in

    @property
    def summary(self) -> str:
        return f"{self.covered} of {self.total} content points taught"


@dataclass(frozen=True)
class PointLink:
    """A content point an article teaches, linking to its row on the coverage page."""

    label: str  # "AQA 8182"
    number: str
    title: str
    docname: str
    anchor: str


@dataclass(frozen=True)
class ArticlePoints:
    points: tuple[PointLink, ...]


@dataclass(frozen=True)
class CourseCoverage:
    coverages: tuple[CoverageView, ...]


SpecificationView = CoverageView | ArticlePoints | CourseCoverage


def _coverage(env: BuildEnvironment) -> dict[str, Coverage]:
    catalog = catalog_of(env)
    known = {r.docname for r in catalog.by_slug.values()}
    taught = [
        (paths.article_slug(d), ids) for d, ids in sorted(points_of(env).items()) if d in known
    ]
    return {s.id: coverage(s, taught) for s in specifications_of(env)}


_COVERAGE: BuildCache[dict[str, Coverage]] = BuildCache("specification coverage", _coverage)


def coverage_view(env: BuildEnvironment, spec: Specification) -> CoverageView:
    found = _COVERAGE.get(env)[spec.id]
    catalog = catalog_of(env)
    taxonomy = catalog.taxonomy

    def articles(number: str) -> tuple[ArticleLink, ...]:
        records = [catalog.by_slug[s] for s in found.taught.get(number, ())]
        ordered = sorted(records, key=lambda r: (r.title.casefold(), r.slug))
        return tuple(ArticleLink(r.docname, r.title) for r in ordered)

    return CoverageView(
        spec=spec.id,
        docname=paths.specification_docname(spec.id),
        title=spec.title,
        label=spec.label,
        version=spec.version,
        url=spec.url,
        topics=tuple(
            TopicRows(
                t.number,
                t.title,
                t.section,
                tuple(
                    PointRow(p.number, p.title, p.items, p.anchor, articles(p.number))
                    for p in t.points
                ),
            )
            for t in spec.topics
        ),
        covered=found.covered,
        total=found.total,
        courses=tuple(
            ArticleLink(paths.generated_docname(Kind.COURSE, c), taxonomy.course(c).title)
            for c in spec.courses
        ),
    )


def specification_view(env: BuildEnvironment, docname: str) -> SpecificationView | None:
    """What *docname* shows of the specifications, if anything."""
    specs = specifications_of(env)
    if not specs.specs:
        return None
    spec_id = paths.parse_specification(docname)
    if spec_id is not None:
        spec = specs.get(spec_id)
        return coverage_view(env, spec) if spec else None
    if is_article(docname):
        ids = points_of(env).get(docname, ())
        links = []
        for point_id in ids:
            point = specs.point(point_id)
            spec = specs.get(point.spec) if point else None
            if point is not None and spec is not None:
                links.append(
                    PointLink(
                        spec.label,
                        point.number,
                        point.title,
                        paths.specification_docname(spec.id),
                        point.anchor,
                    )
                )
        return ArticlePoints(tuple(links)) if links else None
    generated = paths.parse_generated(docname)
    if generated is not None and generated[0] == Kind.COURSE:
        found = specs.for_course(generated[1])
        return CourseCoverage(tuple(coverage_view(env, s) for s in found)) if found else None
    return None


def specification_pages(config: Config) -> dict[str, tuple[str, str]]:
    """docname -> (specification id, page title) of each coverage page to generate."""
    return {
        paths.specification_docname(s.id): (s.id, f"{s.title}: specification coverage")
        for s in specifications_for(config)
    }


def setup_specification_data(app: Sphinx) -> None:
    app.add_config_value("course_specifications_digest", "", "env", types=frozenset({str}))
    app.connect("config-inited", _load, priority=110)
    app.connect("env-purge-doc", purge_points)
    app.connect("env-merge-info", merge_points)
