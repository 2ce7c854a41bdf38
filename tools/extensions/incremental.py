"""Which pages to rewrite when other pages change.

Every page shows data from other pages: cards, counts, related articles,
similar categories, the titles in its links, its navigation. Before writing,
this module computes a digest of everything each page shows, compares it
with the digest stored when the page was last written, and names the pages
whose digest changed in ``env-get-updated``. The same catalog feeds the
rendering, so a page is rewritten exactly when what it shows has changed,
whether the cause was an edit, an added or a deleted article.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from tools.course import paths
from tools.course.frontmatter import is_article

from .domain import CourseDomain
from .navigation import nav_tree

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .catalog import Catalog


def _cards(records: Any) -> tuple[Any, ...]:
    return tuple(r.card for r in records)


def page_view(
    env: BuildEnvironment,
    domain: CourseDomain,
    catalog: Catalog,
    relations: dict[str, list[str | None]],
    docname: str,
) -> Any:
    """A picklable summary of everything on *docname* that comes from other pages."""
    tx = catalog.taxonomy
    shown: list[Any] = []
    links = domain.data["links"].get(docname, ())
    shown.append(
        tuple(
            (s, catalog.by_slug[s].title if s in catalog.by_slug else None) for s in sorted(links)
        )
    )
    shown.append(navigation_view(env, relations, docname))
    if is_article(docname):
        record = domain.articles.get(docname)
        if record is not None:
            shown.append(_cards(catalog.related(record.slug)) if record.show_related else ())
            shown.append(tuple(r in catalog.by_slug for r in record.related))
            shown.append(catalog.similar_for_article(record))
        return shown
    generated = paths.parse_generated(docname)
    if generated:
        kind, slug = generated
        if kind == "category":
            shown += [_cards(catalog.in_category(slug)), catalog.similar_for_category(slug)]
        elif kind == "topic":
            shown += [_cards(catalog.in_topic(slug)), catalog.similar_for_topic(slug)]
        elif kind == "level":
            shown.append(tuple(catalog.count("course", c.slug) for c in tx.level(slug).courses))
        elif kind == "course":
            shown.append(
                tuple(catalog.count("category", c.slug) for c in tx.course(slug).categories)
            )
        elif kind == "subject":
            shown.append(tuple(catalog.count("topic", t.slug) for t in tx.subject(slug).topics))
    elif docname == paths.A_TO_Z_PAGE:
        shown.append(_cards(catalog.alphabetical()))
    elif docname in (paths.CATEGORIES_PAGE, paths.TOPICS_PAGE, env.config.root_doc):
        shown.append(tuple(catalog.count("category", c.slug) for c in tx.categories))
        shown.append(tuple(catalog.count("topic", t.slug) for t in tx.topics))
        shown.append(tuple(catalog.count("level", lv.slug) for lv in tx.levels))
    return shown


def navigation_view(
    env: BuildEnvironment, relations: dict[str, list[str | None]], docname: str
) -> Any:
    """What the page's sidebar and previous/next links show of other pages."""
    neighbours = tuple(
        (d, env.titles[d].astext() if d in env.titles else None)
        for d in relations.get(docname, [None, None, None])[1:3]
    )
    return nav_tree(env).view(docname), neighbours


def _digest(view: Any) -> str:
    """A stable digest of plain data. Not pickle: its bytes depend on which equal
    strings happen to be the same object, so equal data could digest differently."""
    return hashlib.sha256(repr(view).encode("utf-8")).hexdigest()


def inputs_digest(env: BuildEnvironment, domain: CourseDomain) -> str:
    """Everything page views are computed from; if it is unchanged, no view changed."""
    return _digest(
        (
            sorted(domain.articles.items()),
            sorted((d, sorted(s)) for d, s in domain.data["links"].items()),
            sorted((d, t.astext()) for d, t in env.titles.items()),
            sorted((d, list(children)) for d, children in env.toctree_includes.items()),
            sorted(env.found_docs),
        )
    )


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    domain = env.domains["course"]
    assert isinstance(domain, CourseDomain)
    inputs = inputs_digest(env, domain)
    if domain.data["inputs"].get(app.builder.name) == inputs:
        return []  # nothing any page shows can have changed (a no-change rebuild)
    domain.data["inputs"][app.builder.name] = inputs
    catalog = domain.catalog()
    # Kept per builder: a LaTeX build on the same environment must not mark
    # the HTML pages as up to date.
    previous: dict[str, str] = domain.data["views"].get(app.builder.name, {})
    relations = domain.relations()
    current = {
        doc: _digest(page_view(env, domain, catalog, relations, doc))
        for doc in sorted(env.found_docs)
    }
    changed = [doc for doc, digest in current.items() if previous.get(doc) != digest]
    domain.data["views"][app.builder.name] = current
    return changed


def setup_incremental(app: Sphinx) -> None:
    app.connect("env-get-updated", pages_to_rewrite)
