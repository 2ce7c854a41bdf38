"""Assessment as a reader meets it: quizzes on the site, exam questions, editions, course order.

A copy of the test root gets one more article, with a self-check quiz, a
points-based and a levels-based mark scheme and a prerequisite. The site is
read as HTML and, for the quizzes, in real Chromium served under a sub-path
(keyboard only, a screen reader's live region, axe, JavaScript off); the
handouts as the text pdftotext gives of each edition.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from helpers import copy_root
from tools.outputs.searchprobe import served

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"

PAGE = """\
---
category: junior-basics
topics: [memory]
summary: The stores of memory, with a self-check quiz and exam questions.
objectives:
  - Name the three stores of memory.
  - Describe how long short-term memory lasts.
  - Evaluate a model of memory.
prerequisites: [remembering]
keywords: [memory, stores]
---

# Memory Stores

Memory has three stores: the sensory register, short-term memory and long-term memory.

::::::{quiz}

:::::{choice} Which store holds information for about 18–30 seconds without rehearsal?
:objectives: 1, 2
:label: which-store

::::{option} The sensory register
FEEDBACK-A: the sensory register holds information for well under a second.
::::

::::{option} Short-term memory
:correct:
FEEDBACK-B: without rehearsal, short-term memory holds information for about 18–30 seconds.
::::

::::{option} Long-term memory
FEEDBACK-C: long-term memory can last a lifetime.
::::
:::::

:::::{choice} Which of these are stores of memory?
:objectives: 1

::::{option} Long-term memory
:correct:
Yes: long-term memory is one of the three stores.
::::

::::{option} The hippocampus
Not quite: the hippocampus is a part of the brain, not a store of the model.
::::

::::{option} The sensory register
:correct:
Yes: the sensory register is the first store.
::::
:::::

:::::{truefalse} Short-term memory lasts for several hours.
:answer: false
:objectives: 2
FEEDBACK-TF: without rehearsal it lasts well under a minute.
:::::
::::::

:::::{question}
:marks: 4
:ao: AO1
:objectives: 2
:label: stm-duration

Describe how long information stays in short-term memory.

::::{answer}
MODEL-ANSWER: about 18–30 seconds without rehearsal.
::::

::::{mark-scheme}
:type: points

- MARK-POINT-ONE: about 18–30 seconds.
- Without rehearsal.
- Shown by stopping rehearsal.
- Recall fell as the delay grew.

Accept: "less than half a minute".

Do not accept: "a few minutes".
::::
:::::

::::::{question}
:marks: 6
:ao: AO3
:objectives: 3

Evaluate the multi-store model of memory.

:::::{answer}
It is supported by case studies but is too simple.
:::::

:::::{mark-scheme}
:type: levels

::::{level} 3
:marks: 5-6
LEVEL-THREE-DESCRIPTOR: a thorough evaluation.
::::

::::{level} 2
:marks: 3-4
A reasonable evaluation.
::::

::::{level} 1
:marks: 1-2
A basic point.
::::
:::::
::::::
"""
ARTICLE = "articles/memory-stores.html"
SECRETS = ("MARK-POINT-ONE", "LEVEL-THREE-DESCRIPTOR", "Do not accept", "No relevant content")


def _root(tmp: Path) -> Path:
    return copy_root(tmp, "course", files={"articles/memory-stores.md": PAGE})


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test root plus the quiz page, built strictly as ``make html`` builds."""
    tmp = tmp_path_factory.mktemp("assessment")
    src = _root(tmp)
    out = tmp / "html"
    done = subprocess.run(
        [
            *(sys.executable, "-m", "sphinx", "-q", "-W", "--keep-going", "-n"),
            *("-c", str(src), "-d", str(tmp / "doctrees"), str(src), str(out)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def page(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


# --- the site, as HTML -------------------------------------------------------------


def test_quiz_items_are_fieldsets_with_the_answer_behind_a_disclosure(site: Path) -> None:
    doc = page(site, ARTICLE)
    items = doc.select(".course-quiz fieldset")
    assert items, "no quiz on the page"
    first = items[0]
    assert first.legend is not None
    assert "18–30 seconds" in first.legend.get_text()
    options = [" ".join(li.get_text().split()) for li in first.select("ol li")]
    assert options == ["The sensory register", "Short-term memory", "Long-term memory"]
    key = first.select_one("details")
    assert key is not None and key.summary is not None
    text = " ".join(key.get_text().split())
    assert "Answer: B. Short-term memory" in text
    assert "FEEDBACK-A" in text and "FEEDBACK-B" in text
    several = items[1].legend
    assert several is not None and "choose all that apply" in several.get_text()
    assert "Answer: False" in items[2].get_text()


def test_exam_questions_show_tariff_and_ao_but_never_the_mark_scheme(site: Path) -> None:
    html = (site / ARTICLE).read_text(encoding="utf-8")
    labels = [
        " ".join(p.get_text().split()) for p in page(site, ARTICLE).select(".course-question-label")
    ]
    assert labels == ["Question 1 [4 marks] AO1", "Question 2 [6 marks] AO3"]
    assert "MODEL-ANSWER" in html  # the answer is in its dropdown
    for secret in SECRETS:
        assert secret not in html


def test_quiz_script_is_a_file_of_the_site(site: Path) -> None:
    doc = page(site, ARTICLE)
    sources = [s.get("src", "") for s in doc.select("script")]
    assert any("_static/quiz.js" in str(s) for s in sources)
    assert (site / "_static" / "quiz.js").exists()


def test_before_you_start_links_the_prerequisite_by_its_title(site: Path) -> None:
    box = page(site, ARTICLE).select_one(".course-prerequisites")
    assert box is not None
    assert "Before you start" in box.get_text()
    link = box.select_one("a")
    assert link is not None
    assert link.get_text(strip=True) == "Remembering Things"
    assert link["href"] == "remembering.html"


def test_previous_and_next_follow_course_order(site: Path) -> None:
    def neighbours(rel: str) -> tuple[str | None, str | None]:
        doc = page(site, rel)
        prev, nxt = doc.select_one("a.prev-page"), doc.select_one("a.next-page")
        return (
            str(prev["href"]) if prev else None,
            str(nxt["href"]) if nxt else None,
        )

    # Memory Stores builds on Remembering Things, so it comes right after it,
    # though its title sorts first.
    assert neighbours("articles/remembering.html")[1] == "memory-stores.html"
    assert neighbours(ARTICLE)[0] == "remembering.html"


def test_course_map_has_alt_text_and_a_list_in_course_order(site: Path) -> None:
    doc = page(site, "browse/courses/junior-course.html")
    section = doc.select_one("#course-map")
    assert section is not None
    img = section.select_one("img")
    assert img is not None
    assert "Memory Stores builds on Remembering Things" in str(img["alt"])
    items = [" ".join(li.get_text().split()) for li in section.select("ol li")]
    titles = [i.split(" (")[0] for i in items]
    assert titles.index("Remembering Things") < titles.index("Memory Stores")
    assert "Memory Stores (builds on Remembering Things)" in items


# --- handouts -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (the 'test' system packages)")
    from tools.outputs.pdfbuild import build_handouts

    tmp = tmp_path_factory.mktemp("assessment-pdf")
    src = _root(tmp)
    assert build_handouts("article:memory-stores", source=src, conf=src, build=tmp / "build") == 0
    texts = {}
    for edition in ("student", "instructor"):
        pdf = tmp / "build" / "handouts" / f"memory-stores-{edition}.pdf"
        done = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        )
        texts[edition] = " ".join(done.stdout.split())
    return texts


@pytest.mark.slow
def test_student_pdf_has_tariffs_and_no_mark_schemes(pdfs: dict[str, str]) -> None:
    text = pdfs["student"]
    assert "[4 marks]" in text and "[6 marks]" in text
    assert "Which store holds information" in text
    assert "A. The sensory register" in text  # lettered, as an answer key names them
    for secret in (*SECRETS, "MODEL-ANSWER", "FEEDBACK-A", "FEEDBACK-TF", "Mark scheme"):
        assert secret not in text


@pytest.mark.slow
def test_instructor_pdf_has_mark_schemes_and_the_coverage_table(pdfs: dict[str, str]) -> None:
    text = pdfs["instructor"]
    assert "[4 marks]" in text
    for wanted in (*SECRETS, "MODEL-ANSWER", "FEEDBACK-A", "Mark scheme"):
        assert wanted in text
    assert "Objectives and the questions that assess them" in text
    assert "Describe how long short-term memory lasts." in text


# --- in Chromium --------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """The site served under /course/, as on the real host."""
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (system packages 'test')")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield chromium
        chromium.close()


def _tab_to(tab: Any, selector: str, limit: int = 200) -> None:
    """Press Tab until the focused element matches *selector*, as a keyboard user would."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        if tab.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.slow
def test_answer_wrongly_then_rightly_with_the_keyboard(browser: Any, base_url: str) -> None:
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(base_url + ARTICLE)
    item = tab.locator(".course-quiz-item").first
    status = item.locator("[role=status]")
    assert status.get_attribute("aria-live") == "polite"
    _tab_to(tab, ".course-quiz-item input")
    tab.keyboard.press("Space")  # A: the sensory register (wrong)
    _tab_to(tab, ".course-quiz-check")
    tab.keyboard.press("Enter")
    assert status.inner_text().startswith("Not the right answer yet.")
    assert "FEEDBACK-A" in (status.text_content() or "")
    assert item.get_by_text("FEEDBACK-A").first.is_visible()
    tab.keyboard.press("Enter")  # focus is on "Try again"
    assert status.inner_text() == ""
    tab.keyboard.press("ArrowDown")  # B: short-term memory
    _tab_to(tab, ".course-quiz-check")
    tab.keyboard.press("Enter")
    assert status.inner_text().startswith("Right answer.")
    assert "FEEDBACK-B" in (status.text_content() or "")
    progress = tab.locator(".course-quiz-progress").first
    assert progress.inner_text() == "1 of 3 correct"
    tab.reload()
    assert tab.locator(".course-quiz-progress").first.inner_text() == "1 of 3 correct"
    context.close()


@pytest.mark.slow
def test_without_javascript_the_answer_is_behind_a_disclosure(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base_url + ARTICLE)
    item = tab.locator(".course-quiz-item").first
    assert item.locator("input").count() == 0
    answer = item.get_by_text("Answer: B. Short-term memory")
    assert not answer.is_visible()
    item.locator("summary").click()
    assert answer.is_visible()
    assert item.get_by_text("FEEDBACK-B").is_visible()
    context.close()


@pytest.mark.slow
def test_quiz_page_has_no_axe_violations(browser: Any, base_url: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        tab = context.new_page()
        tab.goto(base_url + ARTICLE)
        tab.evaluate(f"document.body.dataset.theme = '{scheme}'")
        tab.locator(".course-quiz-item input").first.check()
        tab.locator(".course-quiz-check").first.click()
        results = Axe().run(tab)
        found += [
            f"{scheme}: {v['id']} ({v['impact']}): {v['help']} e.g. {v['nodes'][0]['html'][:120]}"
            for v in results.response["violations"]
        ]
        context.close()
    assert found == [], "\n".join(found)


def test_course_page_offers_downloads_only_when_the_build_made_them(
    site: Path, tmp_path: Path
) -> None:
    assert page(site, "browse/courses/junior-course.html").select_one("#course-downloads") is None
    src = _root(tmp_path)
    (tmp_path / "build" / "handouts").mkdir(parents=True)
    (tmp_path / "build" / "exports").mkdir(parents=True)
    (tmp_path / "build" / "handouts" / "junior-course-student.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "build" / "exports" / "junior-course.apkg").write_bytes(b"PK\x03\x04")
    out = tmp_path / "html"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-W", "-c", str(src), str(src), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    links = page(out, "browse/courses/junior-course.html").select("#course-downloads li a")
    assert [a.get_text() for a in links] == [
        "Student handout (PDF)",
        "Anki deck of the course's terms and questions",
    ]
    course = out / "browse" / "courses"
    for link in links:
        assert (course / str(link["href"])).resolve().read_bytes()[:2] in (b"%P", b"PK")
    assert page(out, "browse/courses/senior-course.html").select_one("#course-downloads") is None


def test_a_renamed_prerequisite_shows_its_new_title_after_an_incremental_build(
    tmp_path: Path,
) -> None:
    src = _root(tmp_path)
    out = tmp_path / "html"
    command = [sys.executable, "-m", "sphinx", "-q", "-W", "-n"]
    command += ["-c", str(src), "-d", str(tmp_path / "doctrees"), str(src), str(out)]
    for step in ("first", "after the rename"):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, (step, done.stderr[-3000:])
        if step == "first":
            remembering = src / "articles" / "remembering.md"
            text = remembering.read_text(encoding="utf-8")
            remembering.write_text(
                text.replace("# Remembering Things", "# Keeping Memories"), encoding="utf-8"
            )
    box = page(out, ARTICLE).select_one(".course-prerequisites a")
    assert box is not None and box.get_text(strip=True) == "Keeping Memories"
    listed = page(out, "browse/courses/junior-course.html").select("#course-map li")
    items = [" ".join(li.get_text().split()) for li in listed]
    assert "Memory Stores (builds on Keeping Memories)" in items


def test_next_crosses_into_the_next_category_by_name(site: Path) -> None:
    """From the last article of a category, Next is the next category's first article,
    with that category's name, not the category page."""
    last = page(site, "articles/memory-stores.html").select_one("a.next-page")
    assert last is not None
    assert last["href"] == "growing-up.html"
    assert "(Growing)" in " ".join(last.get_text(" ").split())
    back = page(site, "articles/growing-up.html").select_one("a.prev-page")
    assert back is not None
    assert back["href"] == "memory-stores.html"
    assert "(Basics)" in " ".join(back.get_text(" ").split())
