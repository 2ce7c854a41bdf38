"""PDF handouts: real PDFs, read back with pdftotext, as an instructor would."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import copy_root
from tools.course.taxonomy import load_taxonomy
from tools.outputs.pdfbuild import build_handouts, compile_all

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("latexmk") is None, reason="needs the 'pdf' system packages"),
]


def pdftext(pdf: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def handouts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("handouts")
    unicode_page = (Path(__file__).parent / "data" / "unicode-soup.md").read_text(encoding="utf-8")
    src = copy_root(tmp, "course", files={"articles/unicode-soup.md": unicode_page})
    assert build_handouts(source=src, conf=src, build=tmp / "build") == 0
    return tmp / "build" / "handouts"


def test_one_pdf_per_course_and_edition(handouts: Path) -> None:
    assert sorted(p.name for p in handouts.glob("*.pdf")) == [
        "junior-course-instructor.pdf",
        "junior-course-student.pdf",
        "senior-course-instructor.pdf",
        "senior-course-student.pdf",
    ]


def test_title_page_names_course_level_and_edition(handouts: Path) -> None:
    first_page = pdftext(handouts / "junior-course-student.pdf").split("\f")[0]
    assert "Junior Course" in first_page
    assert "Junior · Student edition" in first_page
    instructor = pdftext(handouts / "junior-course-instructor.pdf").split("\f")[0]
    assert "Junior · Instructor edition" in instructor


def test_articles_come_in_course_order_after_a_contents_page(handouts: Path) -> None:
    text = pdftext(handouts / "junior-course-student.pdf")
    assert "CONTENTS" in text.upper()
    body = text[text.index("CHAPTER") :]
    order = [
        body.index(t) for t in ("Paying Attention", "Remembering Things", "Growing Up", "Key terms")
    ]
    assert order == sorted(order)


def test_student_edition_has_numbered_questions_and_no_answers_or_notes(handouts: Path) -> None:
    text = pdftext(handouts / "junior-course-student.pdf")
    assert "Question 1." in text and "What is memory?" in text
    assert "The ability to keep information over time." not in text
    assert "TEACHING-NOTE-SECRET" not in text
    assert "Model answer" not in text


def test_instructor_edition_has_answers_and_teaching_notes(handouts: Path) -> None:
    text = pdftext(handouts / "junior-course-instructor.pdf")
    assert "Model answer. The ability to keep information over time." in " ".join(text.split())
    assert "TEACHING-NOTE-SECRET" in text


def test_awkward_unicode_builds_and_unprintable_characters_are_visible(handouts: Path) -> None:
    text = " ".join(pdftext(handouts / "senior-course-student.pdf").split())
    for sample in ("café", "Dvořák", "ψυχή", "x ≤ y", "√2", "en – dash", "“curly”", "10 °C"):
        assert sample in text, sample
    assert "[U+1F9E0]" in text and "[U+1F600]" in text


def test_a_broken_handout_is_reported_and_does_not_stop_the_others(
    tmp_path: Path, handouts: Path
) -> None:
    latexdir = next((handouts.parent / "latex" / "student").glob("all"))
    good = tmp_path / "good"
    shutil.copytree(latexdir, good)
    bad_tex = good / "junior-course-student.tex"
    text = bad_tex.read_text()
    marker = r"\label{\detokenize{articles/remembering::doc}}"
    bad_tex.write_text(text.replace(marker, marker + "\n\\undefinedcommandhere\n", 1))
    results = compile_all(sorted(good.glob("*-student.tex")), tmp_path / "out")
    by_name = {r.tex.stem: r for r in results}
    assert by_name["senior-course-student"].pdf is not None
    broken = by_name["junior-course-student"]
    assert broken.pdf is None
    assert "on page docs/articles/remembering.md" in broken.problem
    assert "Undefined control sequence" in broken.problem
    assert len(broken.problem.splitlines()) < 40


def test_real_course_handouts_all_build(tmp_path: Path) -> None:
    """`make handouts` on the real docs: both editions of every course, the title on page 1."""
    build = tmp_path / "build"
    assert build_handouts(build=build) == 0
    courses = load_taxonomy(ROOT / "conf" / "taxonomy.yaml").courses
    assert sorted(p.name for p in (build / "handouts").glob("*.pdf")) == sorted(
        f"{course.slug}-{edition}.pdf"
        for course in courses
        for edition in ("student", "instructor")
    )
    first = pdftext(build / "handouts" / "abnormal-psychology-instructor.pdf").split("\f")[0]
    assert "Abnormal Psychology" in first and "Instructor edition" in first
