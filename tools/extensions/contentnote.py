"""The ``content-note`` directive: a short note at the top of a page on a sensitive topic.

The note is a standard "note" admonition, so the theme, the handouts and the
EPUB print it as they print any note. Where a reader may be a child (the
school levels ``conf/sensitive-topics.yaml`` lists), the note also offers the
UK support lines from that file, and the instructor edition adds the file's
safeguarding reminder as a teaching note (dropped from the site and the
student edition like every teaching note). One source for the numbers: the
data file, read through tools/course/care.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from tools.course.care import Care, CareError, care_file, load_care

from .articles import META_KEY
from .config import load_once, taxonomy_for, taxonomy_of
from .questions import instructor_note

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import OptionSpec

TITLE = "Content note"
SUPPORT_INTRO = "If anything here is hard for you, you can talk to someone, free and in confidence:"

_LOADED: dict[str, Care] = {}


def care_for(config: Config) -> Care:
    """The care data beside the configured taxonomy (loaded once per process)."""
    path = str(care_file(config.course_taxonomy))
    return load_once(_LOADED, path, lambda: load_care(path, taxonomy_for(config)), CareError)


class ContentNoteDirective(SphinxDirective):
    """A content note: what the page deals with, and where to find support."""

    has_content = True
    option_spec: ClassVar[OptionSpec] = {}

    def run(self) -> list[nodes.Node]:
        care = care_for(self.config)
        note = nodes.admonition(classes=["note", "course-content-note"])
        self.set_source_info(note)
        note += nodes.title(TITLE, TITLE)
        note += self.parse_content_to_nodes(allow_section_headings=False)
        meta = self.env.current_document.get(META_KEY)
        level = None
        if meta is not None and meta.category:
            level = taxonomy_of(self.env).category(meta.category).level
        if level not in care.support_levels:
            return [note]
        if care.support_lines:
            note += nodes.paragraph(SUPPORT_INTRO, SUPPORT_INTRO)
            lines = nodes.bullet_list(classes=["course-support-lines"])
            for line in care.support_lines:
                para = nodes.paragraph()
                para += nodes.reference(line.name, line.name, refuri=line.url)
                para += nodes.Text(f": {line.contact} ({line.about}).")
                item = nodes.list_item()
                item += para
                lines += item
            note += lines
        if care.safeguarding:
            reminder = instructor_note()
            reminder += nodes.paragraph(care.safeguarding, care.safeguarding)
            note += reminder
        return [note]


def _record_digest(app: Sphinx, config: Config) -> None:
    """Editing the care file re-reads every page (a config value with rebuild 'env')."""
    _LOADED.clear()
    config.course_care_digest = care_for(config).digest


def setup_contentnote(app: Sphinx) -> None:
    app.add_config_value("course_care_digest", "", "env", types=frozenset({str}))
    # After the taxonomy path is made absolute (config.py, priority 100).
    app.connect("config-inited", _record_digest, priority=110)
    app.add_directive("content-note", ContentNoteDirective)
