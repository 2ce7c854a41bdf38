"""The course's place in the site tree: the root toctree, made from the taxonomy.

The home page says ``{course-toctree}``; this expands to a hidden toctree of
the level pages in taxonomy order, then the topic and index pages, so
adding a level is one edit of the taxonomy file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils.statemachine import StringList
from sphinx.directives.other import TocTree

from . import paths
from .config import taxonomy_of

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.util.typing import OptionSpec


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


def setup_navigation(app: Sphinx) -> None:
    app.add_directive("course-toctree", CourseTocTree)
