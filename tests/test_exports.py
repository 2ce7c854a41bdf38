"""``make exports``: open what an instructor imports (Anki deck, Moodle XML, QTI zip) and read it back.

Each file is read the way its importer reads it: the .apkg as a zip holding an
SQLite collection, the XML with ElementTree. Every question of the course must
be there with its type and its correct options; a malformed page gives a
file:line message and no file at all.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from helpers import copy_root
from tools.course.assessment import Question, QuizItem, extract
from tools.course.reader import read_file
from tools.course.taxonomy import load_taxonomy
from tools.outputs.exports import ExportError, export, load_courses, qti_ident

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"

PAGE = """\
---
category: junior-basics
summary: A page with a quiz and questions.
objectives:
  - Describe short-term memory.
---

# Quiz Page

::::::{quiz}

:::::{choice} Which store holds information for about 18-30 seconds?
:objectives: 1
:label: which-store

::::{option} The sensory register
Not quite: well under a second.
::::

::::{option} Short-term {term}`memory`
:correct:
Yes: about 18-30 seconds.
::::
:::::

:::::{choice} Which are stores of the multi-store model?
:objectives: 1

::::{option} Short-term memory
:correct:
Yes.
::::

::::{option} Long-term memory
:correct:
Yes.
::::

::::{option} The central executive
No: that is working memory.
::::
:::::

:::::{truefalse} Chunking can increase how much short-term memory holds.
:answer: true
:objectives: 1
Grouping items lets it hold more.
:::::
::::::

::::{question}
:marks: 2
:objectives: 1
:label: stm-duration

Describe how long information stays in short-term memory.

:::{answer}
About 18 to 30 seconds without rehearsal.
:::

:::{mark-scheme}
- Lasts about 18-30 seconds.
- Lost without rehearsal.

Do not accept: "a few minutes".
:::
::::
"""


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    src = copy_root(tmp_path, "course")
    (src / "articles" / "quiz-page.md").write_text(PAGE, encoding="utf-8")
    return src


def run(docs: Path, out: Path) -> list[Path]:
    return export(docs, load_taxonomy(docs / "taxonomy.yaml"), out)


def course_of(docs: Path) -> str:
    """The course that holds the quiz page."""
    courses = load_courses(docs, load_taxonomy(docs / "taxonomy.yaml"), ())
    return next(c.slug for c in courses if "quiz-page" in [a.slug for a in c.articles])


def expected(docs: Path) -> tuple[list[Question], list[QuizItem]]:
    """The questions and quiz items of every article of that course, read from its pages."""
    courses = load_courses(docs, load_taxonomy(docs / "taxonomy.yaml"), ())
    course = next(c for c in courses if c.slug == course_of(docs))
    questions: list[Question] = []
    items: list[QuizItem] = []
    for path in sorted(a.path for a in course.articles):
        found = extract(read_file(path), path.stem, ["x"] * 10)
        questions += found.questions
        items += found.quiz_items
    return questions, items


def anki_notes(path: Path) -> list[tuple[str, list[str], str]]:
    """(guid, fields, tags) of every note in an .apkg."""
    with zipfile.ZipFile(path) as archive, archive.open("collection.anki2") as source:
        db = path.with_suffix(".anki2")
        db.write_bytes(source.read())
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT guid, flds, tags FROM notes").fetchall()
    db.unlink()
    return [(guid, fields.split("\x1f"), tags) for guid, fields, tags in rows]


def test_each_course_gets_three_files(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    written = run(docs, out)
    slug = course_of(docs)
    names = {p.name for p in written}
    assert {f"{slug}.apkg", f"{slug}-moodle.xml", f"{slug}-qti.zip"} <= names
    assert len(names) % 3 == 0
    assert {p.name for p in out.iterdir()} == names  # no temporary file left behind


def test_anki_deck_has_a_note_per_term_question_and_quiz_item(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    run(docs, out)
    notes = anki_notes(out / f"{course_of(docs)}.apkg")
    questions, items = expected(docs)
    by_kind = {
        kind: [n for n in notes if kind in n[2].split()]
        for kind in ("glossary", "question", "quiz")
    }
    assert len(by_kind["question"]) == len(questions)
    assert len(by_kind["quiz"]) == len(items)
    assert by_kind["glossary"], "the course's pages use glossary terms"
    assert all(len(fields) == 3 for _, fields, _ in notes)
    terms = [fields[0] for _, fields, _ in by_kind["glossary"]]
    assert "memory" in [t.lower() for t in terms]
    question = next(f for _, f, _ in by_kind["question"] if "stays in short-term" in f[0])
    assert "[2 marks]" in question[0]
    assert "18 to 30 seconds" in question[1]
    choice = next(f for _, f, _ in by_kind["quiz"] if "18-30 seconds?" in f[0])
    assert "Short-term memory" in choice[1] and "{term}" not in choice[0] + choice[1]


def test_reexport_after_editing_a_question_keeps_its_guid(docs: Path, tmp_path: Path) -> None:
    run(docs, tmp_path / "one")
    page = docs / "articles" / "quiz-page.md"
    page.write_text(PAGE.replace("Describe how long", "Say how long"), encoding="utf-8")
    run(docs, tmp_path / "two")
    name = f"{course_of(docs)}.apkg"

    def guid_of(notes: list[tuple[str, list[str], str]], words: str) -> str:
        return next(g for g, f, _ in notes if words in f[0])

    before = anki_notes(tmp_path / "one" / name)
    after = anki_notes(tmp_path / "two" / name)
    assert guid_of(before, "Describe how long") == guid_of(after, "Say how long")
    assert sorted(g for g, _, _ in before) == sorted(g for g, _, _ in after)


def test_moodle_xml_carries_every_question_with_type_and_answers(
    docs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "exports"
    run(docs, out)
    root = ET.parse(out / f"{course_of(docs)}-moodle.xml").getroot()
    assert root.tag == "quiz"
    questions, items = expected(docs)
    by_id = {
        q.findtext("idnumber"): q for q in root.iter("question") if q.get("type") != "category"
    }
    assert set(by_id) == {q.id for q in questions} | {i.id for i in items}
    categories = [
        q.findtext("category/text") for q in root.iter("question") if q.get("type") == "category"
    ]
    assert any(c.endswith("/Quiz Page") for c in categories)
    for item in items:
        node = by_id[item.id]
        if item.kind == "truefalse":
            assert node.get("type") == "truefalse"
            right = [a.findtext("text") for a in node.iter("answer") if a.get("fraction") == "100"]
            assert right == ["true" if item.answer else "false"]
            continue
        assert node.get("type") == "multichoice"
        assert node.findtext("single") == ("false" if item.multiple else "true")
        answers = node.findall("answer")
        assert len(answers) == len(item.options)
        for answer, option in zip(answers, item.options, strict=True):
            assert (
                float(answer.get("fraction", "")) > 0
                if option.correct
                else float(answer.get("fraction", "")) <= 0
            )
            assert option.feedback in (answer.findtext("feedback/text") or "")
        assert round(sum(max(float(a.get("fraction", "")), 0) for a in answers)) == 100
    for question in questions:
        node = by_id[question.id]
        assert node.get("type") == "essay"
        assert node.findtext("defaultgrade") == str(question.marks or 1)
        grader = node.findtext("graderinfo/text") or ""
        assert "Model answer" in grader
        if question.scheme is not None:
            assert "Mark scheme" in grader
    essay = by_id["quiz-page:stm-duration"]
    assert "Lost without rehearsal." in (essay.findtext("graderinfo/text") or "")
    assert "a few minutes" in (essay.findtext("graderinfo/text") or "")


def test_qti_package_carries_every_question_as_canvas_reads_it(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    run(docs, out)
    with zipfile.ZipFile(out / f"{course_of(docs)}-qti.zip") as archive:
        manifest = ET.fromstring(archive.read("imsmanifest.xml"))
        (resource,) = manifest.iter(f"{CP}resource")
        assert resource.get("type") == "imsqti_xmlv1p2"
        href = resource.find(f"{CP}file").get("href")  # type: ignore[union-attr]
        assessment = ET.fromstring(archive.read(str(href)))
    items = {i.get("ident"): i for i in assessment.iter(f"{QTI}item")}
    questions, quiz = expected(docs)
    assert set(items) == {qti_ident(q.id) for q in questions} | {qti_ident(i.id) for i in quiz}

    def kind(item: ET.Element) -> str:
        for field in item.iter(f"{QTI}qtimetadatafield"):
            if field.findtext(f"{QTI}fieldlabel") == "question_type":
                return field.findtext(f"{QTI}fieldentry") or ""
        return ""

    for entry in quiz:
        item = items[qti_ident(entry.id)]
        if entry.kind == "truefalse":
            assert kind(item) == "true_false_question"
            correct_texts = ["True" if entry.answer else "False"]
        else:
            assert kind(item) == (
                "multiple_answers_question" if entry.multiple else "multiple_choice_question"
            )
            correct_texts = [o.text for o in entry.options if o.correct]
        labels = {
            label.get("ident"): label.findtext(f"{QTI}material/{QTI}mattext")
            for label in item.iter(f"{QTI}response_label")
        }
        scoring = next(
            c for c in item.iter(f"{QTI}respcondition") if c.find(f"{QTI}setvar") is not None
        )
        condition = scoring.find(f"{QTI}conditionvar")
        assert condition is not None
        chosen = [
            v.text
            for v in condition.iter(f"{QTI}varequal")
            if not any(v in list(n) for n in condition.iter(f"{QTI}not"))
        ]
        assert sorted(labels[c] for c in chosen) == sorted(correct_texts)
    for question in questions:
        item = items[qti_ident(question.id)]
        assert kind(item) == "essay_question"


def test_malformed_question_is_a_file_line_error_and_nothing_is_written(
    docs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "exports"
    page = docs / "articles" / "quiz-page.md"
    page.write_text(PAGE.replace(":correct:\nYes: about", "Yes: about"), encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        run(docs, out)
    line = next(n for n, t in enumerate(page.read_text().splitlines(), 1) if "18-30 seconds?" in t)
    assert any(f"quiz-page.md:{line}: QZ001" in m for m in caught.value.messages)
    assert not out.exists() or list(out.iterdir()) == []


def test_an_old_export_is_kept_whole_when_a_page_breaks(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    run(docs, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (docs / "articles" / "quiz-page.md").write_text(
        PAGE.replace(":answer: true", ":answer: maybe"), encoding="utf-8"
    )
    command = [
        sys.executable, "-m", "tools.outputs.exports",
        "--docs", str(docs), "--taxonomy", str(docs / "taxonomy.yaml"), "--out", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "QZ004" in done.stderr and "Traceback" not in done.stderr
    assert "no file was written" in done.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
