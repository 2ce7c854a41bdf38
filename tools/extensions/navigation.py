"""The site navigation: the root toctree from the taxonomy, and a sidebar that stays small.

The home page says ``{course-toctree}``, which expands to a hidden toctree of
the level pages in taxonomy order, then the topic and index pages, so adding
a level is one edit of the taxonomy file.

The sidebar lists every level, course and category, expands the current
page's ancestors, and lists the articles of the current category only (its
category page lists them all anyway). The tree is collected once per build
from the toctrees Sphinx already holds; each page then renders its own
small view of it, so the cost of a page and the size of its HTML do not
grow with the number of articles. Furo's own navigation would resolve the
whole site toctree on every page (furo#939).
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.directives.other import TocTree

from tools.course import paths
from tools.course.frontmatter import is_article

from .caches import BuildCache
from .config import taxonomy_of

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

_EXPAND_ICON = '<span class="icon"><svg><use href="#svg-arrow-right"></use></svg></span>'


class CourseTocTree(TocTree):
    """A toctree whose entries come from the taxonomy, not from the page."""

    has_content = False
    option_spec: ClassVar[OptionSpec] = {}

    def run(self) -> list[nodes.Node]:
        taxonomy = taxonomy_of(self.env)
        entries = ["/" + paths.generated_docname("level", lv.slug) for lv in taxonomy.levels]
        entries += ["/" + paths.TOPICS_PAGE, "/" + paths.CATEGORIES_PAGE, "/" + paths.A_TO_Z_PAGE]
        self.content = StringList(entries, source="taxonomy")
        self.options = {"hidden": True, "caption": "Course", "titlesonly": True}
        return super().run()


@dataclass
class NavNode:
    docname: str
    title: str
    children: list[NavNode] = field(default_factory=list)


@dataclass
class NavSection:
    caption: str | None
    entries: list[NavNode]


class NavTree:
    """The site's toctree as plain data: collected once, rendered per page."""

    def __init__(self, env: BuildEnvironment) -> None:
        self.env = env
        self.parent: dict[str, str] = {}
        self._by_docname: dict[str, NavNode] = {}
        self._shared: tuple[tuple[str, str], ...] | None = None
        self._rendered: dict[tuple[str, int, str], str] = {}
        seen: set[str] = set()
        root = env.config.root_doc
        self.sections = [
            NavSection(caption, [self._node(doc, title, seen, root) for title, doc in entries])
            for caption, entries in self._toctrees(root)
        ]

    def _toctrees(self, docname: str) -> list[tuple[str | None, list[tuple[str | None, str]]]]:
        toc = self.env.tocs.get(docname)
        if toc is None:
            return []
        return [
            (node.get("caption"), [(t, d) for t, d in node["entries"] if d in self.env.found_docs])
            for node in toc.findall(addnodes.toctree)
        ]

    def _node(self, docname: str, title: str | None, seen: set[str], parent: str) -> NavNode:
        self.parent.setdefault(docname, parent)
        if title is None:
            title = self.env.titles[docname].astext() if docname in self.env.titles else docname
        node = NavNode(docname, title)
        self._by_docname.setdefault(docname, node)
        if docname in seen:  # a page listed twice: show it, but don't recurse forever
            return node
        seen.add(docname)
        for _caption, entries in self._toctrees(docname):
            node.children += [self._node(d, t, seen, docname) for t, d in entries]
        return node

    def ancestors(self, docname: str) -> list[str]:
        chain = [docname]
        while chain[-1] in self.parent and self.parent[chain[-1]] not in chain:
            chain.append(self.parent[chain[-1]])
        return chain

    def shared_titles(self) -> tuple[tuple[str, str], ...]:
        """Every entry every page shows (all but the articles under categories)."""
        out: list[tuple[str, str]] = []

        def walk(nodes_: list[NavNode]) -> None:
            for node in nodes_:
                if not is_article(node.docname):
                    out.append((node.docname, node.title))
                    walk(node.children)

        for section in self.sections:
            out.append(("#caption", section.caption or ""))
            walk(section.entries)
        return tuple(out)

    def view(self, pagename: str) -> tuple[Any, ...]:
        """What of the tree this page's sidebar shows, for the which-pages-changed check."""
        if self._shared is None:
            self._shared = self.shared_titles()
        current = set(self.ancestors(pagename))
        shown = []
        for docname in current:
            node = self._by_docname.get(docname)
            if node and node.children and is_article(node.children[0].docname):
                shown.append(tuple((c.docname, c.title) for c in node.children))
        return self._shared, tuple(sorted(shown))

    def render(self, pagename: str, relative_uri: Any) -> str:
        """Furo-compatible sidebar HTML for one page (checkboxes included)."""
        current = set(self.ancestors(pagename))
        parts: list[str] = []
        for section in self.sections:
            if section.caption:
                parts.append(
                    '<p class="caption" role="heading" aria-level="2"><span class="caption-text">'
                    f"{html.escape(section.caption)}</span></p>"
                )
            parts.append(self._render_list(section.entries, 1, pagename, current, relative_uri))
        return "".join(parts)

    def _render_list(
        self,
        entries: list[NavNode],
        depth: int,
        pagename: str,
        current: set[str],
        relative_uri: Any,
    ) -> str:
        items = []
        folder = posixpath.dirname(pagename)
        for node in entries:
            if node.docname not in current:
                # Branches off the current page's path look the same from every page
                # in the same folder (links are relative), so each is rendered once.
                key = (node.docname, depth, folder)
                if key not in self._rendered:
                    self._rendered[key] = self._render_item(
                        node, depth, pagename, current, relative_uri
                    )
                items.append(self._rendered[key])
            else:
                items.append(self._render_item(node, depth, pagename, current, relative_uri))
        ul_class = ' class="current"' if any(n.docname in current for n in entries) else ""
        return f"<ul{ul_class}>" + "".join(items) + "</ul>"

    def _render_item(
        self, node: NavNode, depth: int, pagename: str, current: set[str], relative_uri: Any
    ) -> str:
        children = node.children
        if children and is_article(children[0].docname) and node.docname not in current:
            children = []  # only the current category lists its articles
        is_current = node.docname in current
        li_classes = [f"toctree-l{depth}"]
        a_classes = ["reference", "internal"]
        if is_current:
            li_classes.append("current")
            a_classes.insert(0, "current")
        if node.docname == pagename:
            li_classes.append("current-page")
        if children:
            li_classes.append("has-children")
        href = html.escape(relative_uri(pagename, node.docname))
        item = [
            f'<li class="{" ".join(li_classes)}"><a class="{" ".join(a_classes)}" '
            f'href="{href}">{html.escape(node.title)}</a>'
        ]
        if children:
            box = "toctree-checkbox-" + re.sub(r"[^A-Za-z0-9_-]", "-", node.docname)
            checked = " checked" if is_current else ""
            item.append(
                f'<input class="toctree-checkbox" id="{box}" name="{box}" role="switch" '
                f'type="checkbox" aria-label="Toggle navigation of {html.escape(node.title)}"'
                f'{checked}/><label for="{box}">{_EXPAND_ICON}</label>'
            )
            item.append(self._render_list(children, depth + 1, pagename, current, relative_uri))
        item.append("</li>")
        return "".join(item)


_NAV: BuildCache[NavTree] = BuildCache("navigation", NavTree)


def nav_tree(env: BuildEnvironment) -> NavTree:
    """The build's tree, collected on first use after reading."""
    return _NAV.get(env)


def use_course_sidebar(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Hand furo an empty toctree (so it resolves nothing), then give it our tree."""
    if "toctree" in context:
        context["toctree"] = lambda **kwargs: ""


def fill_course_sidebar(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    tree = nav_tree(app.env)
    context["furo_navigation_tree"] = tree.render(pagename, app.builder.get_relative_uri)


def setup_navigation(app: Sphinx) -> None:
    app.add_directive("course-toctree", CourseTocTree)
    app.connect("html-page-context", use_course_sidebar, priority=400)
    app.connect("html-page-context", fill_course_sidebar, priority=600)
