"""The site navigation: the root toctree from the taxonomy, and a sidebar that stays small.

The home page says ``{course-toctree}``, which expands to a hidden toctree of
the level pages in taxonomy order, then the topic and index pages, so adding
a level is one edit of the taxonomy file.

The sidebar lists every level, course and category, expands the current
page's ancestors, and lists the articles of the current category only (its
category page lists them all anyway): at most :data:`CATEGORY_WINDOW` of
them, the ones around the current page, then a link to all of them. A
category of a 10,000-article course holds hundreds of articles; listed whole
on each of its pages they made the page grow with the site and every build
translate them once per page. The tree is collected once per build
from the toctrees Sphinx already holds; each page then renders its own
small view of it, so the cost of a page and the size of its HTML do not
grow with the number of articles. Furo's own navigation would resolve the
whole site toctree on every page (furo#939).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.statemachine import StringList
from docutils.utils import new_document
from sphinx import addnodes
from sphinx.directives.other import TocTree
from sphinx.writers.html5 import HTML5Translator

from tools.course import paths
from tools.course.frontmatter import is_article

from .caches import BuildCache, translate, translated
from .config import taxonomy_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

#: The icon furo's own sidebar puts in each branch's label (furo/navigation.py); an SVG
#: symbol furo's page template defines. Checked by tests/test_site.py.
FURO_EXPAND_ICON = '<span class="icon"><svg><use href="#svg-arrow-right"></use></svg></span>'


#: How many of the current category's articles the sidebar lists.
CATEGORY_WINDOW = 25


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
        self._translated: dict[tuple[str, str, int, str], str] = {}
        self._writer: HTML5Translator | None = None
        self._places: dict[str, dict[str, int]] = {}
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

    def outline(self) -> tuple[Any, ...]:
        """The whole tree as plain data: all that any page's sidebar can show."""

        def node(n: NavNode) -> tuple[Any, ...]:
            return (n.docname, n.title, tuple(node(c) for c in n.children))

        return tuple((s.caption, tuple(node(e) for e in s.entries)) for s in self.sections)

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

    def window(self, node: NavNode, pagename: str) -> list[NavNode]:
        """The articles of category *node* the sidebar of *pagename* lists: all of them up
        to :data:`CATEGORY_WINDOW`, else that many around the page (the first on any
        other page of the category, such as the category page itself)."""
        children = node.children
        if len(children) <= CATEGORY_WINDOW:
            return children
        if node.docname not in self._places:
            self._places[node.docname] = {c.docname: n for n, c in enumerate(children)}
        at = self._places[node.docname].get(pagename, 0)
        start = min(max(0, at - CATEGORY_WINDOW // 2), len(children) - CATEGORY_WINDOW)
        return children[start : start + CATEGORY_WINDOW]

    def view(self, pagename: str) -> tuple[Any, ...]:
        """What of the tree this page's sidebar shows, for the which-pages-changed check."""
        if self._shared is None:
            self._shared = self.shared_titles()
        current = set(self.ancestors(pagename))
        shown = []
        for docname in current:
            node = self._by_docname.get(docname)
            if node and node.children and is_article(node.children[0].docname):
                listed = tuple((c.docname, c.title) for c in self.window(node, pagename))
                shown.append((docname, len(node.children), listed))
        return self._shared, tuple(sorted(shown))

    def render(self, pagename: str, builder: Builder) -> str:
        """Furo's sidebar HTML for one page, translated by the builder's translator."""
        translator = self._translator(builder)
        current = set(self.ancestors(pagename))
        tree: list[nodes.Node] = []
        for section in self.sections:
            if section.caption:
                tree.append(nav_caption(section.caption, section.caption))
            tree.append(self._list(section.entries, 1, pagename, current, builder))
        return translate(translator, tree)

    def _translator(self, builder: Builder) -> HTML5Translator:
        if self._writer is None or self._writer.builder is not builder:
            settings: Any = getattr(builder, "docsettings", None)
            document = new_document("<sidebar>", settings)
            translator = builder.create_translator(document, builder)
            assert isinstance(translator, HTML5Translator)
            self._writer = translator
        return self._writer

    def _list(
        self, entries: list[NavNode], depth: int, pagename: str, current: set[str], builder: Builder
    ) -> nodes.bullet_list:
        items = nodes.bullet_list()
        if any(n.docname in current for n in entries):
            items["classes"].append("current")
        folder = posixpath.dirname(pagename)
        run: list[str] = []  # consecutive translated branches, kept as one node
        for node in entries:
            if node.docname in current:
                if run:
                    items += translated(markup="".join(run))
                    run = []
                items += self._item(node, depth, pagename, current, builder)
                continue
            # Branches off the current page's path look the same from every page
            # in the same folder (links are relative), so each is translated once.
            key = (builder.name, node.docname, depth, folder)
            markup = self._translated.get(key)
            if markup is None:
                item = self._item(node, depth, pagename, current, builder)
                markup = self._translated[key] = translate(self._translator(builder), [item])
            run.append(markup)
        if run:
            items += translated(markup="".join(run))
        return items

    def _item(
        self, node: NavNode, depth: int, pagename: str, current: set[str], builder: Builder
    ) -> nodes.list_item:
        children = node.children
        articles = bool(children) and is_article(children[0].docname)
        if articles:  # only the current category lists its articles
            children = self.window(node, pagename) if node.docname in current else []
        is_current = node.docname in current
        item = nodes.list_item(classes=[f"toctree-l{depth}"])
        uri = builder.get_relative_uri(pagename, node.docname)
        ref = nodes.reference("", node.title, internal=True, refuri=uri)
        if is_current:
            item["classes"].append("current")
            ref["classes"].append("current")
        if node.docname == pagename:
            item["classes"].append("current-page")
        item += addnodes.compact_paragraph("", "", ref)
        if children:
            item["classes"].append("has-children")
            box = "toctree-checkbox-" + re.sub(r"[^A-Za-z0-9_-]", "-", node.docname)
            item += nav_toggle(ids=[box], box=box, title=node.title, checked=is_current)
            listed = self._list(children, depth + 1, pagename, current, builder)
            if articles and len(children) < len(node.children):
                every = nodes.reference(
                    "",
                    f"All {len(node.children)} articles in {node.title}",
                    internal=True,
                    refuri=uri,
                )
                listed += nodes.list_item(
                    "",
                    addnodes.compact_paragraph("", "", every),
                    classes=[f"toctree-l{depth + 1}", "course-nav-all"],
                )
            item += listed
        return item


class nav_caption(nodes.General, nodes.TextElement):
    """A sidebar section's caption (a heading for assistive technology)."""


class nav_toggle(nodes.General, nodes.Element):
    """The checkbox and label with which furo's CSS opens and closes a branch."""


def visit_nav_caption_html(self: HTML5Translator, node: nav_caption) -> None:
    heading: dict[str, Any] = {"role": "heading", "aria-level": "2"}
    self.body.append(
        self.starttag(node, "p", "", CLASS="caption", **heading) + '<span class="caption-text">'
    )


def depart_nav_caption_html(self: HTML5Translator, node: nav_caption) -> None:
    self.body.append("</span></p>")


def visit_nav_toggle_html(self: HTML5Translator, node: nav_toggle) -> None:
    box = node["box"]
    attributes: dict[str, Any] = {"aria-label": f"Toggle navigation of {node['title']}"}
    if node["checked"]:
        attributes["checked"] = "checked"
    self.body.append(
        self.emptytag(
            node,
            "input",
            "",
            CLASS="toctree-checkbox",
            name=box,
            role="switch",
            type="checkbox",
            **attributes,
        )
        + self.starttag(nodes.Element(), "label", "", **{"for": box})
        + FURO_EXPAND_ICON
        + "</label>"
    )
    raise nodes.SkipNode


def _skip(self: object, node: nodes.Element) -> None:
    raise nodes.SkipNode


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
    """Give furo our sidebar: it reads ``furo_navigation_tree`` (no public hook; see pyproject)."""
    if "furo_navigation_tree" in context:
        context["furo_navigation_tree"] = nav_tree(app.env).render(pagename, app.builder)


def setup_navigation(app: Sphinx) -> None:
    app.add_directive("course-toctree", CourseTocTree)
    app.add_node(
        nav_caption,
        html=(visit_nav_caption_html, depart_nav_caption_html),
        latex=(_skip, None),
        text=(_skip, None),
    )
    app.add_node(
        nav_toggle, html=(visit_nav_toggle_html, None), latex=(_skip, None), text=(_skip, None)
    )
    app.connect("html-page-context", use_course_sidebar, priority=400)
    app.connect("html-page-context", fill_course_sidebar, priority=600)
