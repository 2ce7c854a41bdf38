"""Questions, quizzes, mark schemes and prerequisites: each rule with a failing and a passing page.

What a contributor sees is ``course check``'s finding (code, file, line, message);
the build reports the same codes as warnings at the same place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import build, copy_root, warnings
from tools.course.assessment import extract, find_cycles, prerequisite_order
from tools.course.checker import Finding, check_paths
from tools.course.reader import parse
from tools.course.taxonomy import load_taxonomy

GOOD = """\
---
category: junior-basics
summary: A page with a quiz and exam-style questions.
objectives:
  - Describe short-term memory.
  - Explain chunking.
---

# Quiz Page

Short-term memory holds a few items for a short time.

::::::{quiz}

:::::{choice} Which store holds information for about 18-30 seconds?
:objectives: 1
:label: which-store

::::{option} The sensory register
Not quite: it holds information for well under a second.
::::

::::{option} Short-term {term}`memory`
:correct:
Yes: without rehearsal, short-term memory lasts about 18-30 seconds.
::::
:::::

:::::{truefalse} Chunking can increase how much short-term memory holds.
:answer: true
:objectives: 2
Grouping items into meaningful chunks lets it hold more.
:::::
::::::

::::{question}
:marks: 2
:ao: AO1, AO3
:objectives: 1
:label: stm-duration

Describe how long information stays in short-term {term}`memory`.

:::{answer}
About 18 to 30 seconds without rehearsal.
:::

:::{mark-scheme}
:type: points

- Short-term memory lasts about 18-30 seconds.
- Without rehearsal it is lost.

Accept: "less than half a minute".

Do not accept: "a few minutes".
:::
::::

:::::{question}
:marks: 9
:objectives: 1

Evaluate chunking as an explanation of short-term memory capacity.

:::{answer}
A model answer.
:::

::::{mark-scheme}
:type: levels

:::{level} 3
:marks: 7-9
Thorough evaluation.
:::

:::{level} 2
:marks: 4-6
Some evaluation.
:::

:::{level} 1
:marks: 1-3
Little evaluation.
:::
::::
:::::
"""

#: code -> (text in GOOD, replacement, text on the line the finding must name).
CASES: dict[str, tuple[str, str, str]] = {
    "AS001": (":marks: 2\n:ao:", ":marks: two\n:ao:", ":marks: two"),
    "AS002": (":ao: AO1, AO3", ":ao: AO1, AO4", ":ao: AO1, AO4"),
    "AS003": (":objectives: 2\nGrouping", ":objectives: 3\nGrouping", ":objectives: 3"),
    "AS004": (":objectives: 2\nGrouping", ":objectives: 1\nGrouping", "objectives:"),
    "AS005": (":label: stm-duration", ":label: which-store", "::::{question}"),
    "AS006": (":::{answer}\nA model answer.\n:::\n", "", ":::::{question}"),
    "MS001": (":marks: 2\n:ao:", ":ao:", ":::{mark-scheme}"),
    "MS002": ("- Without rehearsal it is lost.\n", "", ":::{mark-scheme}"),
    "MS003": (":marks: 4-6", ":marks: 4-7", ":marks: 4-7"),
    "MS004": (":type: points", ":type: marks", ":type: marks"),
    "QZ001": (":correct:\nYes", "Yes", ":::::{choice}"),
    "QZ002": (
        "::::{option} The sensory register\nNot quite: it holds information for well under a second.\n::::\n",
        "",
        ":::::{choice}",
    ),
    "QZ003": (
        "Not quite: it holds information for well under a second.\n",
        "",
        "::::{option} The sensory",
    ),
    "QZ004": (":answer: true", ":answer: yes", ":answer: yes"),
    "QZ005": ("::::::{quiz}\n", "::::::{note}\n", ":::::{choice}"),
}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    return copy_root(tmp_path, "course")


def check(docs: Path, text: str, name: str = "quiz-page.md") -> list[Finding]:
    path = docs / "articles" / name
    path.write_text(text, encoding="utf-8")
    return check_paths([path], docs, load_taxonomy(docs / "taxonomy.yaml"))


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(needle))


def test_good_page_has_no_findings(docs: Path) -> None:
    assert [f.text(docs) for f in check(docs, GOOD)] == []


@pytest.mark.parametrize("code", list(CASES))
def test_each_rule_reports_code_file_and_line(docs: Path, code: str) -> None:
    old, new, where = CASES[code]
    assert GOOD.count(old) == 1
    bad = GOOD.replace(old, new)
    findings = [f for f in check(docs, bad) if f.code == code]
    assert findings, f"{code} not reported"
    assert findings[0].path.name == "quiz-page.md"
    assert findings[0].line == line_of(bad, where), findings[0]
    assert findings[0].severity == ("warning" if code == "AS004" else "error")


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (":marks: 4-6", ":marks: 4-7", "overlaps level 3"),
        (":marks: 4-6", ":marks: 4-5", "marks 6-6 are in no level"),
        (":marks: 1-3", ":marks: 2-3", "bands must start at 1"),
        (":marks: 7-9", ":marks: 7-8", "the levels end at 8 marks but the question is worth 9"),
        (":objectives: 2\nGrouping", ":objectives: 9\nGrouping", "there is no objective 9"),
        (":objectives: 2\nGrouping", ":objectives: 1\nGrouping", "objective 2 (Explain chunking.)"),
        ("- Without rehearsal it is lost.\n", "", "lists 1 creditworthy point(s) for a 2-mark"),
    ],
)
def test_messages_name_the_problem(docs: Path, old: str, new: str, words: str) -> None:
    messages = [f.message for f in check(docs, GOOD.replace(old, new))]
    assert any(words in m for m in messages), messages


def test_a_page_without_questions_needs_no_coverage(docs: Path) -> None:
    text = GOOD.split("Short-term memory holds")[0] + "Just text.\n"
    assert check(docs, text) == []


# -- the model -----------------------------------------------------------------------------


def test_model_reads_questions_schemes_and_quiz_items() -> None:
    found = extract(parse(GOOD), "quiz-page", ["a", "b"])
    assert found.problems == []
    assert found.ids == [
        "quiz-page:stm-duration",
        "quiz-page:q2",
        "quiz-page:which-store",
        "quiz-page:quiz2",
    ]
    first, second = found.questions
    assert (first.marks, first.ao, first.objectives) == (2, ("AO1", "AO3"), (1,))
    assert first.text == "Describe how long information stays in short-term memory."
    assert first.scheme is not None and first.scheme.kind == "points"
    assert first.scheme.accept == ('"less than half a minute".',)
    assert first.scheme.reject == ('"a few minutes".',)
    assert len(first.scheme.points) == 2
    assert second.scheme is not None
    assert [(lv.level, lv.low, lv.high) for lv in second.scheme.levels] == [
        (3, 7, 9),
        (2, 4, 6),
        (1, 1, 3),
    ]
    choice, truefalse = found.quiz_items
    assert [(o.text, o.correct) for o in choice.options] == [
        ("The sensory register", False),
        ("Short-term memory", True),
    ]
    assert not choice.multiple
    assert truefalse.answer is True
    assert truefalse.explanation == "Grouping items into meaningful chunks lets it hold more."


def test_ids_do_not_move_when_a_labelled_question_is_edited() -> None:
    edited = GOOD.replace("Describe how long", "Say how long")
    before = extract(parse(GOOD), "p", ["a", "b"]).ids
    assert extract(parse(edited), "p", ["a", "b"]).ids == before


def test_unreadable_options_are_a_finding_not_a_traceback(docs: Path) -> None:
    bad = GOOD.replace(":label: which-store", ":label: [unclosed")
    findings = check(docs, bad)
    assert any(f.code in ("DIR001", "AS005") for f in findings), findings


# -- prerequisites --------------------------------------------------------------------------


def article(slug: str, prerequisites: str) -> str:
    return (
        f"---\ncategory: junior-basics\nsummary: About {slug}.\n"
        f"prerequisites: {prerequisites}\n---\n\n# Title of {slug}\n\nText.\n"
    )


def test_prerequisite_that_does_not_exist_or_is_itself(docs: Path) -> None:
    missing = check(docs, article("quiz-page", "[remembrin]"))
    assert [(f.code, f.line) for f in missing] == [("PRE001", 4)]
    assert "did you mean 'remembering'" in missing[0].message
    itself = check(docs, article("quiz-page", "[quiz-page]"))
    assert [(f.code, f.line) for f in itself] == [("PRE002", 4)]
    assert check(docs, article("quiz-page", "[remembering]")) == []


def test_a_cycle_is_named_whole(docs: Path) -> None:
    taxonomy = load_taxonomy(docs / "taxonomy.yaml")
    pages = {"a-one": "[b-two]", "b-two": "[c-three]", "c-three": "[a-one]"}
    paths = []
    for slug, needs in pages.items():
        path = docs / "articles" / f"{slug}.md"
        path.write_text(article(slug, needs), encoding="utf-8")
        paths.append(path)
    findings = check_paths(paths, docs, taxonomy)
    assert {(f.path.stem, f.code, f.line) for f in findings} == {
        (slug, "PRE003", 4) for slug in pages
    }
    assert "a-one → b-two → c-three → a-one" in findings[0].message
    (docs / "articles" / "c-three.md").write_text(article("c-three", "[]"), encoding="utf-8")
    assert check_paths(paths, docs, taxonomy) == []


def test_order_and_prerequisites_are_front_matter_keys(docs: Path) -> None:
    text = article("quiz-page", "[remembering]").replace("summary:", "order: 2\nsummary:")
    assert check(docs, text) == []
    wrong = check(docs, text.replace("order: 2", "order: second"))
    assert [(f.code, f.line) for f in wrong] == [("FM003", 3)]


def test_prerequisite_order_puts_each_article_after_what_it_needs() -> None:
    order = prerequisite_order(["c", "b", "a", "d"], {"c": ["a"], "b": ["c"], "d": []})
    assert order == ["a", "c", "b", "d"]
    assert prerequisite_order(["x", "y"], {"x": ["y"], "y": ["x"]}) == ["x", "y"]
    assert find_cycles({"x": ["y"], "y": ["x"], "z": ["x"]}) == [["x", "y"]]


# -- the build reports the same problems ------------------------------------------------------


def test_build_warns_prerequisite_problems_at_file_and_line(make_app: Any, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "course")
    page = src / "articles" / "growing-up.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace("summary:", "prerequisites: [remembrin]\nsummary:", 1), encoding="utf-8"
    )
    line = line_of(page.read_text(encoding="utf-8"), "prerequisites:")
    out = warnings(build(make_app, src))
    assert (
        f"growing-up.md:{line}: WARNING: 'prerequisites': no article with slug 'remembrin'" in out
    )
    assert "[PRE001]" in out


def test_build_warns_question_problems_at_file_and_line(make_app: Any, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "course")
    page = src / "articles" / "growing-up.md"
    text = page.read_text(encoding="utf-8")
    question = "::::{question}\n:marks: none\n\nWhy?\n\n:::{answer}\nBecause.\n:::\n::::\n"
    page.write_text(text.rstrip() + "\n\n" + question, encoding="utf-8")
    line = line_of(page.read_text(encoding="utf-8"), ":marks: none")
    out = warnings(build(make_app, src))
    assert f"growing-up.md:{line}: WARNING: the question's :marks: must be a positive" in out
    assert "[AS001]" in out
