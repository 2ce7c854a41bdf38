"""``make exports``: each course's questions as an Anki deck, a Moodle XML quiz and a QTI 1.2 package.

Read from the model (tools/course/assessment.py on the reader's parse of
each page), with no Sphinx build. One set of files per course, its articles
in course order (category by category as the taxonomy lists them; within a
category by front-matter ``order``, then title; then every article after its
prerequisites):

- ``<course>.apkg``: a note per glossary term the course's articles use, per
  exam-style question (with its model answer) and per quiz item (with its
  answer). Note GUIDs come from the stable question ids (``genanki.guid_for``),
  deck and note-type ids from their names, so importing an updated deck
  updates the cards instead of adding copies.
- ``<course>-moodle.xml``: Moodle's XML import format. One
  ``<question type="category">`` per article; choices as ``multichoice``
  (``single`` true or false, fractions summing to 100 over the correct options,
  feedback per option), ``truefalse``, and each exam-style question as
  ``essay`` with the model answer and mark scheme in ``graderinfo``.
- ``<course>-qti.zip``: an IMS QTI 1.2 package (``imsmanifest.xml`` and one
  assessment) with the item types Canvas imports: ``multiple_choice_question``,
  ``multiple_answers_question``, ``true_false_question`` and ``essay_question``
  (model answer and mark scheme as the essay's general feedback, which the LMS
  shows after submission).

Markdown is reduced to plain text (``{term}`x``` becomes ``x``). If any page has
a problem the rules report (malformed question syntax...), it is printed at
file:line and no export file is written; each file is written to a temporary
name and renamed, so a file in ``build/exports/`` is never half-written.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import genanki  # type: ignore[import-untyped]

from tools.course import assessment, glossary
from tools.course.assessment import Assessment, MarkScheme, Question, QuizItem
from tools.course.files import write_atomic
from tools.course.frontmatter import ARTICLES_DIR, FrontMatter
from tools.course.gate import fails_closed, gate_bytes
from tools.course.reader import Page, Problem, role_target
from tools.course.taxonomy import Course, Taxonomy, load_taxonomy

ROOT = Path(__file__).resolve().parent.parent.parent
#: Sorts an article without ``order`` after those with one.
_NO_ORDER = 1 << 30


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    path: Path
    category: str | None
    order: int | None
    prerequisites: tuple[str, ...]
    assessment: Assessment
    terms: tuple[str, ...]  # glossary keys the page uses, in order of first use


@dataclass(frozen=True)
class CourseSet:
    slug: str
    title: str
    articles: tuple[Article, ...]
    terms: tuple[glossary.Term, ...]

    @property
    def questions(self) -> list[tuple[Article, Question]]:
        return [(a, q) for a in self.articles for q in a.assessment.questions]

    @property
    def quiz_items(self) -> list[tuple[Article, QuizItem]]:
        return [(a, i) for a in self.articles for i in a.assessment.quiz_items]


class ExportError(Exception):
    """Pages with problems: nothing is exported; each message names file:line."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


# -- reading ------------------------------------------------------------------------------


def _strings(fm: FrontMatter | None, key: str) -> list[str]:
    value = fm.data.get(key) if fm else None
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def read_article(path: Path, root: Path) -> tuple[Article, list[str]]:
    """The article and its problems as ``file:line: CODE message``."""
    gate = gate_bytes(path.read_bytes())
    page, fm = gate.page, gate.front_matter
    objectives = _strings(fm, "objectives")
    line = fm.lines.get("objectives", 1) if fm else 1
    found = assessment.extract(page, path.stem, objectives, line)
    shown = _shown(path, root)
    problems = [p for p in gate.problems if fails_closed(p) or p.code == "DIR001"]
    problems += [p for p in found.problems if p.severity == "error"]
    messages = [f"{shown}:{p.line}: {p.code} {p.message}" for p in _unique(problems)]
    title = page.title()
    order = fm.data.get("order") if fm else None
    category = fm.data.get("category") if fm else None
    article = Article(
        slug=path.stem,
        title=title.text if title else path.stem,
        path=path,
        category=category if isinstance(category, str) else None,
        order=order if isinstance(order, int) and not isinstance(order, bool) else None,
        prerequisites=tuple(_strings(fm, "prerequisites")),
        assessment=found,
        terms=_terms_used(page),
    )
    return article, messages


def _unique(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.line, p.code, p.message))


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _terms_used(page: Page) -> tuple[str, ...]:
    keys = [glossary.key(role_target(r.content)) for r in page.roles if r.name == "term"]
    return tuple(dict.fromkeys(keys))


def course_order(articles: Sequence[Article], course: Course) -> list[Article]:
    """Category by category; within one by ``order``, then title; prerequisites first."""
    by_slug = {a.slug: a for a in articles}
    categories = {c.slug: i for i, c in enumerate(course.categories)}
    first = sorted(
        articles,
        key=lambda a: (
            categories.get(a.category or "", len(categories)),
            a.order if a.order is not None else _NO_ORDER,
            a.title.casefold(),
            a.slug,
        ),
    )
    needs = {a.slug: a.prerequisites for a in articles}
    return [by_slug[s] for s in assessment.prerequisite_order([a.slug for a in first], needs)]


def load_courses(
    docs: Path, taxonomy: Taxonomy, only: Sequence[str] = (), root: Path | None = None
) -> list[CourseSet]:
    """Every course that has articles (or those in *only*), read and checked.

    Raises :class:`ExportError` with every problem if any page has one.
    """
    root = root or docs.parent
    messages: list[str] = []
    by_category: dict[str, list[Article]] = {}
    for path in sorted((docs / ARTICLES_DIR).glob("*.md")):
        article, problems = read_article(path, root)
        messages += problems
        if article.category:
            by_category.setdefault(article.category, []).append(article)
    unknown = [slug for slug in only if slug not in taxonomy.slugs("course")]
    if unknown:
        listed = ", ".join(taxonomy.slugs("course"))
        messages.append(f"exports: no course {unknown[0]!r} (courses: {listed})")
    if messages:
        raise ExportError(messages)
    sources = [p for p in sorted(docs.rglob("*.md")) if b"{glossary}" in p.read_bytes()]
    terms = glossary.load_terms(sources)
    out: list[CourseSet] = []
    for course in taxonomy.courses:
        if only and course.slug not in only:
            continue
        members = [a for c in course.categories for a in by_category.get(c.slug, [])]
        if not members:
            continue
        ordered = course_order(members, course)
        keys = dict.fromkeys(k for a in ordered for k in a.terms if k in terms)
        out.append(
            CourseSet(course.slug, course.title, tuple(ordered), tuple(terms[k] for k in keys))
        )
    return out


# -- writing safely -----------------------------------------------------------------------


def _stable_int(name: str) -> int:
    """An id in Anki's usual range (2^30 to 2^31) that depends only on *name*."""
    digest = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:12], 16)
    return (1 << 30) + digest % (1 << 30)


# -- text ---------------------------------------------------------------------------------


def _html_paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())


def _marks(marks: int | None) -> str:
    if marks is None:
        return ""
    return f"[{marks} mark{'s' if marks != 1 else ''}]"


def scheme_html(question: Question) -> str:
    """The model answer and mark scheme as HTML (an instructor reads it in the LMS)."""
    parts = [f"<p><strong>Model answer</strong></p>{_html_paragraphs(question.answer)}"]
    scheme = question.scheme
    if scheme is not None:
        parts.append(_scheme_body(scheme, question.marks))
    return "".join(parts)


def _scheme_body(scheme: MarkScheme, marks: int | None) -> str:
    out: list[str] = []
    if scheme.kind == "levels":
        out.append("<p><strong>Mark scheme</strong> (levels)</p><ul>")
        for level in scheme.levels:
            band = f"{level.low}–{level.high}" if level.high != level.low else f"{level.low}"
            out.append(
                f"<li><strong>Level {level.level} ({band} marks):</strong> "
                f"{html.escape(' '.join(level.descriptor.split()))}</li>"
            )
        out.append("<li><strong>0 marks:</strong> no relevant content.</li></ul>")
        return "".join(out)
    cap = f", up to {marks}" if marks is not None else ""
    out.append(f"<p><strong>Mark scheme</strong> (1 mark per point{cap})</p><ul>")
    out += [f"<li>{html.escape(p)}</li>" for p in scheme.points]
    out.append("</ul>")
    for title, items in (("Accept", scheme.accept), ("Do not accept", scheme.reject)):
        if items:
            out.append(f"<p><strong>{title}:</strong></p><ul>")
            out += [f"<li>{html.escape(i)}</li>" for i in items]
            out.append("</ul>")
    out += [f"<p>{html.escape(g)}</p>" for g in scheme.guidance]
    return "".join(out)


def _question_html(question: Question) -> str:
    tariff = _marks(question.marks)
    ao = f" ({', '.join(question.ao)})" if question.ao else ""
    text = _html_paragraphs(question.text)
    return text + (f"<p><strong>{tariff}{ao}</strong></p>" if tariff else "")


def _choice_html(item: QuizItem) -> str:
    prompt = f"<p>{html.escape(item.prompt)}</p>"
    if item.kind == "truefalse":
        return f"<p>True or false?</p>{prompt}"
    hint = "<p>Choose all that apply.</p>" if item.multiple else ""
    options = "".join(f"<li>{html.escape(o.text)}</li>" for o in item.options)
    return f'{prompt}{hint}<ol type="a">{options}</ol>'


def _item_answer_html(item: QuizItem) -> str:
    if item.kind == "truefalse":
        verdict = "True." if item.answer else "False."
        return f"<p><strong>{verdict}</strong></p>{_html_paragraphs(item.explanation)}"
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = []
    for index, option in enumerate(item.options):
        if option.correct:
            out.append(
                f"<p><strong>({letters[index % 26]}) {html.escape(option.text)}</strong>: "
                f"{html.escape(option.feedback)}</p>"
            )
    return "".join(out)


# -- Anki -----------------------------------------------------------------------------------

_CSS = ".card { font-family: sans-serif; font-size: 20px; text-align: left; } .source { font-size: 14px; color: #666; }"


def _anki_models() -> tuple[genanki.Model, genanki.Model]:
    back = "{{FrontSide}}<hr id=answer>{{%s}}<div class=source>{{Source}}</div>"
    term = genanki.Model(
        _stable_int("model:psychology-course-term"),
        "Psychology course: term",
        fields=[{"name": "Term"}, {"name": "Definition"}, {"name": "Source"}],
        templates=[{"name": "Term", "qfmt": "{{Term}}", "afmt": back % "Definition"}],
        css=_CSS,
    )
    question = genanki.Model(
        _stable_int("model:psychology-course-question"),
        "Psychology course: question",
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Source"}],
        templates=[{"name": "Question", "qfmt": "{{Question}}", "afmt": back % "Answer"}],
        css=_CSS,
    )
    return term, question


def term_guid(term: glossary.Term) -> str:
    return str(genanki.guid_for(f"glossary:{glossary.key(term.term)}"))


def question_guid(stable_id: str) -> str:
    return str(genanki.guid_for(stable_id))


def write_anki(course: CourseSet, path: Path) -> None:
    term_model, question_model = _anki_models()
    deck = genanki.Deck(_stable_int(f"deck:{course.slug}"), f"Psychology: {course.title}")
    tag = course.slug
    for term in course.terms:
        definition = _html_paragraphs(assessment.plain_text(term.definition))
        deck.add_note(
            genanki.Note(
                model=term_model,
                fields=[html.escape(term.term), definition, "Glossary"],
                guid=term_guid(term),
                tags=[tag, "glossary"],
            )
        )
    for article, question in course.questions:
        source = html.escape(f"{article.title} ({question.id})")
        deck.add_note(
            genanki.Note(
                model=question_model,
                fields=[_question_html(question), _html_paragraphs(question.answer), source],
                guid=question_guid(question.id),
                tags=[tag, article.slug, "question"],
            )
        )
    for article, item in course.quiz_items:
        source = html.escape(f"{article.title} ({item.id})")
        deck.add_note(
            genanki.Note(
                model=question_model,
                fields=[_choice_html(item), _item_answer_html(item), source],
                guid=question_guid(item.id),
                tags=[tag, article.slug, "quiz"],
            )
        )
    write_atomic(path, lambda tmp: genanki.Package(deck).write_to_file(str(tmp)))


# -- Moodle XML -----------------------------------------------------------------------------


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = value
    return element


def _xml(root: ET.Element) -> bytes:
    data: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return data


def _fraction(value: float) -> str:
    """A percentage as Moodle writes grades (100, 50, 33.33333, -100...)."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def moodle_xml(course: CourseSet) -> bytes:
    quiz = ET.Element("quiz")
    for article in course.articles:
        if not article.assessment.questions and not article.assessment.quiz_items:
            continue
        category = ET.SubElement(quiz, "question", {"type": "category"})
        path = "/".join(t.replace("/", "//") for t in (course.title, article.title))
        _text(category, "category", f"$course$/top/{path}", None)
        _text(category, "info", f"<p>{html.escape(article.slug)}</p>")
        for item in article.assessment.quiz_items:
            _moodle_item(quiz, item)
        for question in article.assessment.questions:
            _moodle_essay(quiz, question)
    ET.indent(quiz)
    return _xml(quiz)


def _moodle_common(quiz: ET.Element, kind: str, stable_id: str, name: str, text: str) -> ET.Element:
    question = ET.SubElement(quiz, "question", {"type": kind})
    _text(question, "name", f"{stable_id}: {name}"[:250], None)
    _text(question, "questiontext", text)
    _text(question, "generalfeedback", "")
    ET.SubElement(question, "idnumber").text = stable_id
    return question


def _moodle_item(quiz: ET.Element, item: QuizItem) -> None:
    if item.kind == "truefalse":
        question = _moodle_common(
            quiz, "truefalse", item.id, item.prompt, f"<p>{html.escape(item.prompt)}</p>"
        )
        ET.SubElement(question, "defaultgrade").text = "1"
        feedback = _html_paragraphs(item.explanation)
        for value in ("true", "false"):
            right = (value == "true") == bool(item.answer)
            answer = ET.SubElement(
                question,
                "answer",
                {"fraction": "100" if right else "0", "format": "moodle_auto_format"},
            )
            ET.SubElement(answer, "text").text = value
            _text(answer, "feedback", feedback)
        return
    question = _moodle_common(
        quiz, "multichoice", item.id, item.prompt, f"<p>{html.escape(item.prompt)}</p>"
    )
    ET.SubElement(question, "defaultgrade").text = "1"
    correct = sum(o.correct for o in item.options)
    wrong = len(item.options) - correct
    ET.SubElement(question, "single").text = "false" if item.multiple else "true"
    ET.SubElement(question, "shuffleanswers").text = "true"
    ET.SubElement(question, "answernumbering").text = "abc"
    for option in item.options:
        # Wrong options take marks away when several are right, so ticking all scores 0.
        fraction = 100 / correct if option.correct else (-100 / wrong if item.multiple else 0)
        answer = ET.SubElement(
            question, "answer", {"fraction": _fraction(fraction), "format": "html"}
        )
        ET.SubElement(answer, "text").text = f"<p>{html.escape(option.text)}</p>"
        _text(answer, "feedback", f"<p>{html.escape(option.feedback)}</p>")
    if item.multiple:
        ET.SubElement(question, "shownumcorrect")


def _moodle_essay(quiz: ET.Element, question: Question) -> None:
    first = question.text.split("\n", 1)[0]
    essay = _moodle_common(quiz, "essay", question.id, first[:100], _question_html(question))
    ET.SubElement(essay, "defaultgrade").text = str(question.marks or 1)
    ET.SubElement(essay, "responseformat").text = "editor"
    ET.SubElement(essay, "responserequired").text = "1"
    ET.SubElement(essay, "responsefieldlines").text = "10" if (question.marks or 1) > 4 else "5"
    ET.SubElement(essay, "attachments").text = "0"
    ET.SubElement(essay, "attachmentsrequired").text = "0"
    _text(essay, "graderinfo", scheme_html(question))
    _text(essay, "responsetemplate", "")


def write_moodle(course: CourseSet, path: Path) -> None:
    data = moodle_xml(course)
    write_atomic(path, lambda tmp: _write_bytes(tmp, data))


def _write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


# -- QTI 1.2 ----------------------------------------------------------------------------------

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"


def qti_ident(stable_id: str) -> str:
    """An XML-name-safe ident for a stable id (``slug:label`` becomes ``i-slug.label``)."""
    return "i-" + stable_id.replace(":", ".")


def _field(parent: ET.Element, label: str, entry: str) -> None:
    field = ET.SubElement(parent, "qtimetadatafield")
    ET.SubElement(field, "fieldlabel").text = label
    ET.SubElement(field, "fieldentry").text = entry


def _mattext(parent: ET.Element, text: str) -> None:
    material = ET.SubElement(parent, "material")
    ET.SubElement(material, "mattext", {"texttype": "text/html"}).text = text


def _feedback(item: ET.Element, ident: str, text: str) -> None:
    feedback = ET.SubElement(item, "itemfeedback", {"ident": ident})
    _mattext(ET.SubElement(feedback, "flow_mat"), text)


def _qti_item(
    section: ET.Element, stable_id: str, title: str, kind: str, points: int, text: str
) -> tuple[ET.Element, ET.Element]:
    item = ET.SubElement(section, "item", {"ident": qti_ident(stable_id), "title": title[:200]})
    meta = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    _field(meta, "question_type", kind)
    _field(meta, "points_possible", str(points))
    _field(meta, "assessment_question_identifierref", qti_ident(stable_id) + "-ref")
    presentation = ET.SubElement(item, "presentation")
    _mattext(presentation, text)
    return item, presentation


def _qti_choice(section: ET.Element, article: Article, item: QuizItem) -> None:
    if item.kind == "truefalse":
        kind = "true_false_question"
        options = [
            ("True", bool(item.answer), item.explanation),
            ("False", not item.answer, item.explanation),
        ]
    else:
        kind = "multiple_answers_question" if item.multiple else "multiple_choice_question"
        options = [(o.text, o.correct, o.feedback) for o in item.options]
    node, presentation = _qti_item(
        section,
        item.id,
        f"{article.title}: {item.prompt}",
        kind,
        1,
        f"<p>{html.escape(item.prompt)}</p>",
    )
    cardinality = "Multiple" if kind == "multiple_answers_question" else "Single"
    response = ET.SubElement(
        presentation, "response_lid", {"ident": "response1", "rcardinality": cardinality}
    )
    render = ET.SubElement(response, "render_choice")
    idents = [f"{qti_ident(item.id)}-{n}" for n in range(1, len(options) + 1)]
    for ident, (text, _correct, _fb) in zip(idents, options, strict=True):
        label = ET.SubElement(render, "response_label", {"ident": ident})
        _mattext(label, html.escape(text))
    processing = ET.SubElement(node, "resprocessing")
    ET.SubElement(
        ET.SubElement(processing, "outcomes"),
        "decvar",
        {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"},
    )
    for ident in idents:
        condition = ET.SubElement(processing, "respcondition", {"continue": "Yes"})
        ET.SubElement(
            ET.SubElement(condition, "conditionvar"), "varequal", {"respident": "response1"}
        ).text = ident
        ET.SubElement(
            condition, "displayfeedback", {"feedbacktype": "Response", "linkrefid": f"{ident}_fb"}
        )
    correct = ET.SubElement(processing, "respcondition", {"continue": "No"})
    variable = ET.SubElement(correct, "conditionvar")
    if cardinality == "Multiple":
        both = ET.SubElement(variable, "and")
        for ident, (_, right, _) in zip(idents, options, strict=True):
            target = both if right else ET.SubElement(both, "not")
            ET.SubElement(target, "varequal", {"respident": "response1"}).text = ident
    else:
        for ident, (_, right, _) in zip(idents, options, strict=True):
            if right:
                ET.SubElement(variable, "varequal", {"respident": "response1"}).text = ident
    ET.SubElement(correct, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
    for ident, (_, _, feedback) in zip(idents, options, strict=True):
        _feedback(node, f"{ident}_fb", _html_paragraphs(feedback))


def _qti_essay(section: ET.Element, article: Article, question: Question) -> None:
    first = question.text.split("\n", 1)[0]
    node, presentation = _qti_item(
        section,
        question.id,
        f"{article.title}: {first}",
        "essay_question",
        question.marks or 1,
        _question_html(question),
    )
    response = ET.SubElement(
        presentation, "response_str", {"ident": "response1", "rcardinality": "Single"}
    )
    ET.SubElement(
        ET.SubElement(response, "render_fib"),
        "response_label",
        {"ident": "answer1", "rshuffle": "No"},
    )
    processing = ET.SubElement(node, "resprocessing")
    ET.SubElement(
        ET.SubElement(processing, "outcomes"),
        "decvar",
        {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"},
    )
    general = ET.SubElement(processing, "respcondition", {"continue": "No"})
    ET.SubElement(ET.SubElement(general, "conditionvar"), "other")
    ET.SubElement(
        general, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"}
    )
    _feedback(node, "general_fb", scheme_html(question))


def qti_assessment(course: CourseSet) -> bytes:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    ident = f"a-{course.slug}"
    test = ET.SubElement(root, "assessment", {"ident": ident, "title": course.title})
    meta = ET.SubElement(test, "qtimetadata")
    _field(meta, "cc_maxattempts", "1")
    section = ET.SubElement(test, "section", {"ident": "root_section"})
    for article in course.articles:
        for item in article.assessment.quiz_items:
            _qti_choice(section, article, item)
        for question in article.assessment.questions:
            _qti_essay(section, article, question)
    ET.indent(root)
    return _xml(root)


def qti_manifest(course: CourseSet) -> bytes:
    ident = f"a-{course.slug}"
    manifest = ET.Element("manifest", {"identifier": f"m-{course.slug}", "xmlns": CP_NS})
    metadata = ET.SubElement(manifest, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(manifest, "organizations")
    resources = ET.SubElement(manifest, "resources")
    resource = ET.SubElement(
        resources,
        "resource",
        {"identifier": ident, "type": "imsqti_xmlv1p2", "href": f"{ident}/{ident}.xml"},
    )
    ET.SubElement(resource, "file", {"href": f"{ident}/{ident}.xml"})
    ET.indent(manifest)
    return _xml(manifest)


def write_qti(course: CourseSet, path: Path) -> None:
    ident = f"a-{course.slug}"
    manifest, body = qti_manifest(course), qti_assessment(course)

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("imsmanifest.xml", manifest)
            archive.writestr(f"{ident}/{ident}.xml", body)

    write_atomic(path, write)


# -- the command ---------------------------------------------------------------------------


def export(docs: Path, taxonomy: Taxonomy, out: Path, only: Sequence[str] = ()) -> list[Path]:
    """Write every course's three files into *out*; returns the files written.

    Raises :class:`ExportError` (nothing written) if any page has a problem.
    """
    courses = load_courses(docs, taxonomy, only)
    written: list[Path] = []
    for course in courses:
        for name, writer in (
            (f"{course.slug}.apkg", write_anki),
            (f"{course.slug}-moodle.xml", write_moodle),
            (f"{course.slug}-qti.zip", write_qti),
        ):
            writer(course, out / name)
            written.append(out / name)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.outputs.exports",
        description="Write each course's Anki deck, Moodle XML quiz and QTI 1.2 package.",
    )
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    parser.add_argument("--taxonomy", type=Path, default=ROOT / "conf" / "taxonomy.yaml")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "exports")
    parser.add_argument(
        "--course", action="append", default=[], help="only this course (repeatable)"
    )
    args = parser.parse_args(argv)
    try:
        written = export(args.docs, load_taxonomy(args.taxonomy), args.out, args.course)
    except ExportError as error:
        for message in error.messages:
            print(message, file=sys.stderr)
        print(f"exports: {len(error.messages)} problem(s); no file was written", file=sys.stderr)
        return 1
    for path in written:
        print(_shown(path, Path.cwd()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
