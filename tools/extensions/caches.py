"""Per-build caches, each owned by the module that fills it, typed, and dropped together;
and the node that reuses what the translator once wrote for a recurring fragment.

What is derived from the environment (the catalog, the navigation tree, the
glossary, each page's view, the translated listing markup) is made on first
use after reading and kept until the environment changes again: a page is
purged, a parallel read is merged, or reading ends. The caches live beside
the environment, not in it, so they are never pickled with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.writers.html5 import HTML5Translator

T = TypeVar("T")

_STORE: WeakKeyDictionary[BuildEnvironment, dict[BuildCache[Any], Any]] = WeakKeyDictionary()


class BuildCache(Generic[T]):
    """One derived value per environment, made by *make* on first use.

    Declared at module level by its owner: ``NAV = BuildCache("navigation", NavTree)``.
    """

    def __init__(self, name: str, make: Callable[[BuildEnvironment], T]) -> None:
        self.name = name
        self.make = make

    def get(self, env: BuildEnvironment) -> T:
        store = _STORE.setdefault(env, {})
        if self not in store:
            store[self] = self.make(env)
        value: T = store[self]
        return value

    def __repr__(self) -> str:
        return f"BuildCache({self.name!r})"


def forget(env: BuildEnvironment) -> None:
    """Drop every cache derived from *env*: what they were made from is changing."""
    _STORE.pop(env, None)


def _on_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    forget(env)


def _on_merge(app: Sphinx, env: BuildEnvironment, docnames: Any, other: Any) -> None:
    forget(env)


def _on_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    forget(env)
    return []


# --- translator output, made once -----------------------------------------------------


class translated(nodes.General, nodes.Element):
    """Markup the builder's translator wrote for a fragment, reused where the fragment recurs.

    The fragment is made as docutils nodes and translated once; this node then
    stands in for it (``markup``). HTML only: other builders get the nodes.
    """


def translate(translator: HTML5Translator, tree: list[nodes.Node]) -> str:
    """What *translator* writes for *tree*, leaving what it has written so far as it was."""
    # Visitors look at a node's parent and document; a reference wants a text element.
    holder = nodes.TextElement()
    holder.document = translator.document
    holder.extend(tree)
    start = len(translator.body)
    for node in tree:
        node.walkabout(translator)
    markup = "".join(translator.body[start:])
    del translator.body[start:]
    return markup


def visit_translated_html(self: HTML5Translator, node: translated) -> None:
    self.body.append(node["markup"])
    raise nodes.SkipNode


def _skip(self: object, node: nodes.Element) -> None:
    raise nodes.SkipNode


def setup_caches(app: Sphinx) -> None:
    app.add_node(
        translated, html=(visit_translated_html, None), latex=(_skip, None), text=(_skip, None)
    )
    app.connect("env-purge-doc", _on_purge)
    app.connect("env-merge-info", _on_merge)
    # Early, so handlers of the same event see data made after reading ended.
    app.connect("env-updated", _on_updated, priority=100)
