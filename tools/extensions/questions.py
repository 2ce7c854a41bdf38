"""Review questions with model answers, and instructor notes.

One source, three readers: on the public site a question shows its tariff
("[4 marks]", with the AO where given) and its answer in a collapsed
sphinx-design dropdown, and instructor notes and mark schemes are left out
entirely; the student handout numbers the questions with their tariffs and
drops answers, notes, mark schemes and quiz answer keys; the instructor
handout prints all of them. What an edition must not contain is removed
from the doctree before writing, so it is not in the HTML, the search index
or the handout, not even hidden. Mark schemes and quizzes are assessment.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx_design.shared import create_component

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import OptionSpec
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.text import TextTranslator

logger = logging.getLogger(__name__)

EDITIONS = ("student", "instructor")
ANSWER_TITLE = "Show answer"


class question(nodes.General, nodes.Element):
    """A numbered review question; its ``answer`` child is the model answer."""


class answer(nodes.General, nodes.Element):
    """A model answer: a dropdown on the site, instructor edition only in print."""


class instructor_note(nodes.General, nodes.Element):
    """A teaching note: instructor edition only."""


class QuestionDirective(SphinxDirective):
    """A question; with ``:marks:`` an exam-style one (tariff, AO, objectives, mark scheme)."""

    has_content = True
    option_spec: ClassVar[OptionSpec] = {
        "marks": directives.unchanged,
        "ao": directives.unchanged,
        "objectives": directives.unchanged,
        "label": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        from .assessment import _aos, _numbers, mark_scheme

        marks = self.options.get("marks", "").strip()
        node = question(
            marks=int(marks) if marks.isdigit() else None,
            ao=_aos(self.options.get("ao")),
            objectives=_numbers(self.options.get("objectives")),
            label=self.options.get("label", "").strip(),
        )
        self.set_source_info(node)
        node += self.parse_content_to_nodes(allow_section_headings=False)
        for scheme in node.findall(mark_scheme):
            scheme["marks"] = node["marks"]
        answers = list(node.findall(answer))
        if len(answers) != 1:
            logger.warning(
                "a question needs exactly one nested answer directive, found %d",
                len(answers),
                location=node,
                type="course",
                subtype="question",
            )
        return [node]


class ContainerDirective(SphinxDirective):
    """A block of Markdown inside one node of ``node_class`` (answers, notes, quizzes)."""

    has_content = True
    option_spec: ClassVar[OptionSpec] = {}
    node_class: ClassVar[type[nodes.Element]]

    def run(self) -> list[nodes.Node]:
        node = self.node_class()
        self.set_source_info(node)
        node += self.parse_content_to_nodes(allow_section_headings=False)
        return [node]


class AnswerDirective(ContainerDirective):
    node_class = answer


class InstructorNoteDirective(ContainerDirective):
    node_class = instructor_note


def number_questions(app: Sphinx, doctree: nodes.document) -> None:
    """Number each page's questions in reading order (Question 1, 2, ...)."""
    for number, node in enumerate(doctree.findall(question), start=1):
        node["number"] = number


def keep_for_edition(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Remove what this output must not contain, before it is written or indexed."""
    from .assessment import mark_scheme, quiz_key

    if app.builder.format == "html":
        drop: tuple[type[nodes.Element], ...] = (instructor_note, mark_scheme)
    elif app.config.course_edition == "instructor":
        drop = ()
    else:
        drop = (answer, instructor_note, mark_scheme, quiz_key)
    for cls in drop:
        for node in list(doctree.findall(cls)):
            node.parent.remove(node)


# --- HTML -------------------------------------------------------------------


def question_label(node: question) -> str:
    """ "Question 2 [4 marks] AO1": the number, then the tariff and AO where given."""
    from .assessment import tariff

    label = f"Question {node.get('number', '')}"
    if node.get("marks"):
        label += f" {tariff(int(node['marks']))}"
    if node.get("ao"):
        label += " " + ", ".join(node["ao"])
    return label


def visit_question_html(self: HTML5Translator, node: question) -> None:
    from .assessment import tariff

    label = f"Question {node.get('number', '')}"
    if node.get("marks"):
        label += f' <span class="course-tariff">{tariff(int(node["marks"]))}</span>'
    if node.get("ao"):
        label += f' <span class="course-ao">{", ".join(node["ao"])}</span>'
    self.body.append(
        self.starttag(node, "div", CLASS="course-question")
        + f'<p class="course-question-label">{label}</p>\n'
    )


def depart_question_html(self: HTML5Translator, node: question) -> None:
    self.body.append("</div>\n")


class AnswerDropdowns(SphinxPostTransform):
    """On the site an answer is a sphinx-design dropdown, closed until the reader opens it.

    Made as the component sphinx-design's ``dropdown`` directive makes, just
    before sphinx-design's own HTML transform (priority 199) turns every
    dropdown into its markup: one source of that markup, sphinx-design's.
    """

    default_priority = 198
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(answer)):
            dropdown = create_component(
                "dropdown",
                opened=False,
                type="dropdown",
                has_title=True,
                icon=None,
                chevron=None,
                container_classes=["sd-mb-3", "course-answer"],
                title_classes=[],
                body_classes=[],
            )
            dropdown.source, dropdown.line = node.source, node.line
            dropdown += nodes.rubric(ANSWER_TITLE, ANSWER_TITLE)
            dropdown += node.children
            node.replace_self(dropdown)


def visit_answer_html(self: HTML5Translator, node: answer) -> None:
    """Only reached if the dropdown transform did not run: the answer, plainly."""
    self.body.append(self.starttag(node, "div", CLASS="course-answer"))


def depart_answer_html(self: HTML5Translator, node: answer) -> None:
    self.body.append("</div>\n")


# --- text (and anything else that reaches a node: print it plainly) -------------


def visit_question_text(self: TextTranslator, node: question) -> None:
    self.new_state(0)
    self.add_text(f"{question_label(node)}. ")


def depart_question_text(self: TextTranslator, node: question) -> None:
    self.end_state()


def visit_answer_text(self: TextTranslator, node: answer) -> None:
    self.new_state(2)
    self.add_text("Answer: ")


def visit_note_text(self: TextTranslator, node: instructor_note) -> None:
    self.new_state(2)
    self.add_text("Teaching note: ")


def depart_block_text(self: TextTranslator, node: nodes.Element) -> None:
    self.end_state()


def _skip(self: object, node: nodes.Element) -> None:
    raise nodes.SkipNode


def keep_sources_private(app: Sphinx, config: Config) -> None:
    """Never publish page sources (``_sources/``): they hold the teaching notes."""
    if config.html_copy_source:
        config.html_copy_source = False
        config.html_show_sourcelink = False


def setup_questions(app: Sphinx) -> None:
    app.add_config_value(
        "course_edition",
        "student",
        "",
        types=frozenset({str}),
        description="Which edition a handout build makes: 'student' or 'instructor'.",
    )
    app.add_node(
        question,
        html=(visit_question_html, depart_question_html),
        text=(visit_question_text, depart_question_text),
    )
    app.add_node(
        answer,
        html=(visit_answer_html, depart_answer_html),
        text=(visit_answer_text, depart_block_text),
    )
    app.add_node(
        instructor_note,
        html=(_skip, None),
        text=(visit_note_text, depart_block_text),
    )
    app.add_post_transform(AnswerDropdowns)
    app.add_directive("question", QuestionDirective)
    app.add_directive("answer", AnswerDirective)
    app.add_directive("instructor-note", InstructorNoteDirective)
    app.connect("config-inited", keep_sources_private)
    app.connect("doctree-read", number_questions)
    app.connect("doctree-resolved", keep_for_edition, priority=100)
