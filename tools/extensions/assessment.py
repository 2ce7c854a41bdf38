"""Exam-style questions, mark schemes and self-check quizzes, as the reader sees them.

The syntax is in CONTRIBUTING.md and its rules in tools/course/assessment.py
(the build's source gate refuses a page that breaks them, so the directives
here only shape what is shown). Editions decide what stays, in
questions.keep_for_edition: a mark scheme is printed in the instructor
edition only; a quiz's answer key is on the site (behind a disclosure that
_static/quiz.js turns into pick, check and try again) and in the instructor
edition, never in the student edition.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from tools.course import paths
from tools.course.frontmatter import is_article

from .domain import course_domain
from .questions import ContainerDirective

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import OptionSpec
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.text import TextTranslator

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_BAND = re.compile(r"^\s*(\d+)\s*(?:[-\u2013\u2014]\s*(\d+))?\s*$")
ACCEPT = "Accept:"
REJECT = "Do not accept:"


def _numbers(value: str | None) -> list[int]:
    """``1, 3`` -> [1, 3]; anything else is left out (the source gate reports it)."""
    return [int(p) for p in re.split(r"[,\s]+", value or "") if p.isdigit()]


def _aos(value: str | None) -> list[str]:
    return [p.upper() for p in re.split(r"[,\s]+", value or "") if p]


def tariff(marks: int) -> str:
    return f"[{marks} mark{'s' if marks != 1 else ''}]"


# --- nodes ---------------------------------------------------------------------------


class mark_scheme(nodes.General, nodes.Element):
    """How a question is marked: instructor edition only."""


class quiz(nodes.General, nodes.Element):
    """A self-check quiz: its items mark themselves in the browser."""


class quiz_item(nodes.General, nodes.Element):
    """One quiz question: a fieldset whose legend is the prompt."""


class quiz_prompt(nodes.Part, nodes.TextElement):
    pass


class quiz_options(nodes.General, nodes.Element):
    pass


class quiz_option(nodes.Part, nodes.TextElement):
    """An option's text; ``correct`` says whether it is a right answer."""


class quiz_key(nodes.General, nodes.Element):
    """The answer and each option's feedback: a disclosure on the site, instructor print only."""


class quiz_feedback(nodes.General, nodes.Element):
    pass


# --- directives ----------------------------------------------------------------------


class MarkSchemeDirective(SphinxDirective):
    has_content = True
    option_spec: ClassVar[OptionSpec] = {"type": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        kind = (self.options.get("type") or "points").strip()
        node = mark_scheme(kind=kind)
        self.set_source_info(node)
        body = self.parse_content_to_nodes(allow_section_headings=False)
        if kind == "levels":
            node += _levels_table([n for n in body if isinstance(n, nodes.table)])
            node += [n for n in body if not isinstance(n, nodes.table)]
            return [node]
        for child in body:
            if isinstance(child, nodes.paragraph):
                _mark_prefix(child)
        first = next((c for c in body if isinstance(c, nodes.bullet_list)), None)
        if first is not None:
            first["classes"].append("course-mark-points")
        node += body
        return [node]


def _mark_prefix(para: nodes.paragraph) -> None:
    """``Accept:`` / ``Do not accept:`` paragraphs get their label in bold."""
    if not para.children or not isinstance(para[0], nodes.Text):
        return
    text = str(para[0])
    for prefix, cls in ((ACCEPT, "course-accept"), (REJECT, "course-reject")):
        if text.startswith(prefix):
            para["classes"].append(cls)
            para[0].parent.replace(para[0], nodes.Text(text[len(prefix) :]))
            para.insert(0, nodes.strong(prefix, prefix))
            return


class LevelDirective(SphinxDirective):
    """One level of a levels-based scheme: made a table row by the mark scheme."""

    has_content = True
    required_arguments = 1
    option_spec: ClassVar[OptionSpec] = {"marks": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        band = _BAND.match(self.options.get("marks", ""))
        low = int(band.group(1)) if band else 0
        high = int(band.group(2) or low) if band else 0
        row = nodes.table(classes=["course-level"], level=self.arguments[0], low=low, high=high)
        row += self.parse_content_to_nodes(allow_section_headings=False)
        return [row]


def _entry(*content: nodes.Node, text: str | None = None) -> nodes.entry:
    entry = nodes.entry()
    if text is not None:
        entry += nodes.paragraph(text, text)
    for c in content:
        entry += c
    return entry


def _levels_table(levels: list[nodes.table]) -> nodes.table:
    """Level, marks and descriptor, highest first, ending with "0 marks: no relevant content"."""
    table = nodes.table(classes=["course-levels"])
    group = nodes.tgroup(cols=3)
    table += group
    for width in (1, 1, 6):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    row = nodes.row()
    for label in ("Level", "Marks", "Descriptor"):
        row += _entry(text=label)
    head += row
    group += head
    body = nodes.tbody()
    for level in sorted(levels, key=lambda n: -int(n["high"])):
        row = nodes.row()
        low, high = int(level["low"]), int(level["high"])
        row += _entry(text=str(level["level"]))
        row += _entry(text=f"{low}\u2013{high}" if high != low else str(low))
        row += _entry(*level.children)
        body += row
    row = nodes.row()
    row += _entry(text="0")
    row += _entry(text="0")
    row += _entry(text="No relevant content.")
    body += row
    group += body
    return table


class QuizDirective(ContainerDirective):
    node_class = quiz


class OptionDirective(SphinxDirective):
    """An option: its text (the argument), ``:correct:`` and its feedback (the body)."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[OptionSpec] = {"correct": directives.flag}

    def run(self) -> list[nodes.Node]:
        text, messages = self.parse_inline(self.arguments[0], lineno=self.lineno)
        option = quiz_option(self.arguments[0], "", *text, correct="correct" in self.options)
        self.set_source_info(option)
        feedback = quiz_feedback()
        feedback += self.parse_content_to_nodes(allow_section_headings=False)
        option += feedback
        return [option, *messages]


class _ItemDirective(SphinxDirective):
    has_content = True
    required_arguments = 1
    final_argument_whitespace = True

    def item(self, kind: str) -> tuple[quiz_item, list[nodes.Node]]:
        node = quiz_item(
            kind=kind,
            label=self.options.get("label", ""),
            objectives=_numbers(self.options.get("objectives")),
        )
        self.set_source_info(node)
        text, messages = self.parse_inline(self.arguments[0], lineno=self.lineno)
        node += quiz_prompt(self.arguments[0], "", *text)
        return node, list(messages)


def _key_label(letter: str, option: quiz_option) -> nodes.paragraph:
    verdict = "correct" if option["correct"] else "not correct"
    para = nodes.paragraph(classes=["course-quiz-feedback-label"])
    para += nodes.strong("", f"{letter}. ")
    para += [c.deepcopy() for c in option.children]
    para += nodes.Text(f" ({verdict})")
    return para


class ChoiceDirective(_ItemDirective):
    option_spec: ClassVar[OptionSpec] = {
        "objectives": directives.unchanged,
        "label": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        body = self.parse_content_to_nodes(allow_section_headings=False)
        options = [n for n in body if isinstance(n, quiz_option)]
        correct = [o for o in options if o["correct"]]
        node, messages = self.item("multiple" if len(correct) > 1 else "single")
        listed = quiz_options()
        key = quiz_key()
        letters = [LETTERS[i % 26] for i in range(len(options))]
        feedbacks = []
        for index, (letter, option) in enumerate(zip(letters, options, strict=True)):
            feedback = next(iter(option.findall(quiz_feedback)))
            option.remove(feedback)
            feedback["option"] = str(index)
            feedback.insert(0, _key_label(letter, option))
            feedbacks.append(feedback)
            listed += option
        answer = ", ".join(
            f"{letter}. {o.astext()}"
            for letter, o in zip(letters, options, strict=True)
            if o["correct"]
        )
        key += nodes.paragraph("", f"{'Answers' if len(correct) > 1 else 'Answer'}: {answer}")
        key += feedbacks
        node += listed
        node += key
        return [node, *messages, *(n for n in body if not isinstance(n, quiz_option))]


class TrueFalseDirective(_ItemDirective):
    option_spec: ClassVar[OptionSpec] = {
        "answer": directives.unchanged,
        "objectives": directives.unchanged,
        "label": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        node, messages = self.item("truefalse")
        truth = self.options.get("answer", "").strip().lower() == "true"
        listed = quiz_options()
        for text, value in (("True", True), ("False", False)):
            listed += quiz_option(text, text, correct=value == truth)
        node += listed
        key = quiz_key()
        key += nodes.paragraph("", f"Answer: {'True' if truth else 'False'}")
        feedback = quiz_feedback(option="all")
        feedback += self.parse_content_to_nodes(allow_section_headings=False)
        key += feedback
        node += key
        return [node, *messages]


# --- ids, numbers ----------------------------------------------------------------------


def number_items(app: Sphinx, doctree: nodes.document) -> None:
    """Stable ids as tools/course/assessment.py makes them: ``<slug>:<label>`` or by position."""
    docname = app.env.current_document.docname
    slug = paths.article_slug(docname) if is_article(docname) else docname
    for number, item in enumerate(doctree.findall(quiz_item), start=1):
        item["number"] = number
        item["item_id"] = f"{slug}:{item['label'] or f'quiz{number}'}"
    for number, q in enumerate(doctree.findall(quiz), start=1):
        q["quiz_id"] = f"{slug}:quiz-{number}"


# --- HTML (the site, and the handouts, which print through the HTML visitors) -----------


def _data(name: str, node: nodes.Element) -> dict[str, Any]:
    """A ``data-`` attribute from the node's attribute of (nearly) the same name."""
    return {f"data-{name}": str(node.get(name.replace("-", "_"), ""))}


def _print(self: HTML5Translator) -> bool:
    return bool(self.builder.format == "handout")


def visit_mark_scheme_html(self: HTML5Translator, node: mark_scheme) -> None:
    marks = node.get("marks")
    if node.get("kind") == "levels":
        how = "levels of response"
    else:
        how = f"one mark per point, up to {marks}" if marks else "one mark per point"
    self.body.append(
        self.starttag(node, "div", CLASS="course-mark-scheme")
        + f'<p class="course-block-label">Mark scheme ({how})</p>\n'
    )


def depart_div(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append("</div>\n")


def visit_quiz_html(self: HTML5Translator, node: quiz) -> None:
    self.body.append(
        self.starttag(node, "div", "\n", False, CLASS="course-quiz", **_data("quiz-id", node))
        + '<p class="course-quiz-title">Check your understanding</p>\n'
    )


def visit_quiz_item_html(self: HTML5Translator, node: quiz_item) -> None:
    self.body.append(
        self.starttag(
            node,
            "fieldset",
            "\n",
            False,
            CLASS="course-quiz-item",
            **_data("item-id", node),
            **_data("kind", node),
        )
    )


def depart_quiz_item_html(self: HTML5Translator, node: quiz_item) -> None:
    self.body.append("</fieldset>\n")


def visit_quiz_prompt_html(self: HTML5Translator, node: quiz_prompt) -> None:
    self.body.append(self.starttag(node, "legend", "", CLASS="course-quiz-prompt"))


def depart_quiz_prompt_html(self: HTML5Translator, node: quiz_prompt) -> None:
    item = node.parent
    if item.get("kind") == "multiple":
        self.body.append(' <span class="course-quiz-hint">(choose all that apply)</span>')
    self.body.append("</legend>\n")


def visit_quiz_options_html(self: HTML5Translator, node: quiz_options) -> None:
    # Letters, as the answer key names them (the handout's list style would number them).
    style: dict[str, Any] = {"style": "list-style-type: upper-alpha"} if _print(self) else {}
    self.body.append(
        self.starttag(node, "ol", "\n", False, CLASS="course-quiz-options", type="A", **style)
    )


def depart_quiz_options_html(self: HTML5Translator, node: quiz_options) -> None:
    self.body.append("</ol>\n")


def visit_quiz_option_html(self: HTML5Translator, node: quiz_option) -> None:
    attrs: dict[str, Any] = (
        {} if _print(self) else {"data-correct": "true" if node["correct"] else "false"}
    )
    self.body.append(self.starttag(node, "li", "", False, CLASS="course-quiz-option", **attrs))


def depart_quiz_option_html(self: HTML5Translator, node: quiz_option) -> None:
    if _print(self) and node["correct"] and self.builder.config.course_edition == "instructor":
        self.body.append(" <strong>(correct)</strong>")
    self.body.append("</li>\n")


def visit_quiz_key_html(self: HTML5Translator, node: quiz_key) -> None:
    if _print(self):
        self.body.append(
            self.starttag(node, "div", CLASS="course-quiz-key")
            + '<p class="course-block-label">Answer and feedback</p>\n'
        )
    else:
        self.body.append(
            self.starttag(node, "details", CLASS="course-quiz-key")
            + "<summary>Show answer</summary>\n"
        )


def depart_quiz_key_html(self: HTML5Translator, node: quiz_key) -> None:
    self.body.append("</div>\n" if _print(self) else "</details>\n")


def visit_quiz_feedback_html(self: HTML5Translator, node: quiz_feedback) -> None:
    self.body.append(
        self.starttag(
            node, "div", "\n", False, CLASS="course-quiz-feedback", **_data("option", node)
        )
    )


# --- text --------------------------------------------------------------------------------


def visit_block_text(self: TextTranslator, node: nodes.Element) -> None:
    self.new_state(0)


def depart_block_text(self: TextTranslator, node: nodes.Element) -> None:
    self.end_state()


def visit_mark_scheme_text(self: TextTranslator, node: mark_scheme) -> None:
    self.new_state(2)
    self.add_text("Mark scheme: ")


def visit_quiz_option_text(self: TextTranslator, node: quiz_option) -> None:
    self.new_state(2)
    index = node.parent.index(node)
    self.add_text(f"{LETTERS[index % 26]}. ")


def visit_quiz_key_text(self: TextTranslator, node: quiz_key) -> None:
    self.new_state(2)


def _pass(self: object, node: nodes.Element) -> None:
    """Nothing around the node itself: its children are printed."""


# --- instructor handout: objectives x questions ---------------------------------------


def _owner(node: nodes.Node, start: str) -> str:
    parent = node.parent
    while parent is not None and not isinstance(parent, addnodes.start_of_file):
        parent = parent.parent
    return str(parent["docname"]) if parent is not None else start


def coverage_tables(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The instructor handout ends each article with which question assesses which objective."""
    if app.builder.format != "handout" or app.config.course_edition != "instructor":
        return
    articles = course_domain(app.env).articles
    from .questions import question

    found: dict[str, list[tuple[str, list[int]]]] = {}
    for node in doctree.findall(lambda n: isinstance(n, (question, quiz_item))):
        assert isinstance(node, nodes.Element)
        owner = _owner(node, docname)
        name = (
            f"Question {node.get('number', '')}"
            if isinstance(node, question)
            else f"Quiz item {node.get('number', '')}"
        )
        found.setdefault(owner, []).append((name, list(node.get("objectives", []))))
    for owner, items in found.items():
        record = articles.get(owner)
        if record is None or not record.objectives:
            continue
        container: nodes.Element = doctree
        for sof in doctree.findall(addnodes.start_of_file):
            if sof["docname"] == owner:
                container = sof
        section = container.next_node(nodes.section) or container
        section += _coverage_table(record.objectives, items)


def _coverage_table(objectives: tuple[str, ...], items: list[tuple[str, list[int]]]) -> nodes.Node:
    """Questions down, objectives across (numbered, listed above): narrow enough for a page."""
    box = nodes.container(classes=["course-coverage"])
    box += nodes.rubric("", "Objectives and the questions that assess them")
    listed = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".")
    for objective in objectives:
        item = nodes.list_item()
        item += nodes.paragraph(objective, objective)
        listed += item
    box += listed
    table = nodes.table(classes=["course-coverage-table"])
    group = nodes.tgroup(cols=1 + len(objectives))
    table += group
    group += nodes.colspec(colwidth=2, stub=1)
    for _ in objectives:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    row = nodes.row()
    row += _entry(text="Assessed by")
    for number in range(1, len(objectives) + 1):
        row += _entry(text=f"Objective {number}")
    head += row
    group += head
    body = nodes.tbody()
    for name, objs in items:
        row = nodes.row()
        row += _entry(text=name)
        for number in range(1, len(objectives) + 1):
            row += _entry(text="Yes" if number in objs else "")
        body += row
    group += body
    box += table
    return box


def add_static(app: Sphinx) -> None:
    """quiz.js and quiz.css live in _static (htmlpage.py adds the folder): no inline script."""
    if app.builder.format == "html":
        app.add_css_file("quiz.css")
        app.add_js_file("quiz.js", defer="defer")


def setup_assessment(app: Sphinx) -> None:
    app.add_node(
        mark_scheme,
        html=(visit_mark_scheme_html, depart_div),
        text=(visit_mark_scheme_text, depart_block_text),
    )
    app.add_node(
        quiz, html=(visit_quiz_html, depart_div), text=(visit_block_text, depart_block_text)
    )
    app.add_node(
        quiz_item,
        html=(visit_quiz_item_html, depart_quiz_item_html),
        text=(visit_block_text, depart_block_text),
    )
    app.add_node(
        quiz_prompt,
        html=(visit_quiz_prompt_html, depart_quiz_prompt_html),
        text=(visit_block_text, depart_block_text),
    )
    app.add_node(
        quiz_options,
        html=(visit_quiz_options_html, depart_quiz_options_html),
        text=(_pass, _pass),
    )
    app.add_node(
        quiz_option,
        html=(visit_quiz_option_html, depart_quiz_option_html),
        text=(visit_quiz_option_text, depart_block_text),
    )
    app.add_node(
        quiz_key,
        html=(visit_quiz_key_html, depart_quiz_key_html),
        text=(visit_quiz_key_text, depart_block_text),
    )
    app.add_node(quiz_feedback, html=(visit_quiz_feedback_html, depart_div), text=(_pass, _pass))
    app.add_directive("mark-scheme", MarkSchemeDirective)
    app.add_directive("level", LevelDirective)
    app.add_directive("quiz", QuizDirective)
    app.add_directive("choice", ChoiceDirective)
    app.add_directive("option", OptionDirective)
    # Sphinx's standard domain has an ``option`` (a program's command-line option) that an
    # unprefixed name resolves to first; a course documents no programs.
    app.add_directive_to_domain("std", "option", OptionDirective, override=True)
    app.add_directive("truefalse", TrueFalseDirective)
    app.connect("builder-inited", add_static)
    app.connect("doctree-read", number_items)
    app.connect("doctree-resolved", coverage_tables, priority=650)
