"""PDF handouts: real tagged PDFs, read back as a screen reader and an instructor would.

The structure tree is walked with pikepdf (headings in the order and at the
levels of the source, figures with alt text, language and title, no page
content that is neither in the tree nor an artifact); the ``pdfua`` checker
runs its machine-checkable PDF/UA-1 rules (structure tree present, Marked,
every piece of page content tagged or an artifact, document language,
figures' alt text, table structure, link and annotation descriptions,
non-empty headings, title and DisplayDocTitle, the PDF/UA identifier);
pdftotext gives the text a reader sees.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pdfua import validate

from helpers import built_once, copy_root
from tools.course.taxonomy import Course, Taxonomy, load_taxonomy
from tools.extensions.handoutbuilder import DEFAULT_LINES, answer_lines
from tools.outputs.pdfbuild import (
    EDITIONS,
    MANIFEST,
    Result,
    build_handouts,
    print_all,
    sphinx_handouts,
)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CONF = ROOT / "conf"
SITE = "https://example.org/course/"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("pdftotext") is None, reason="needs the 'test' system packages"
    ),
]

#: Added to the test page full of awkward characters: a diagram, a table, maths.
EXTRA = """

## A diagram

```{graphviz}
:alt: Attention leads to memory.

digraph { attention -> memory }
```

## A table

Pythagoras: {math}`a^2 + b^2 = c^2`.

| Stage | Age |
| --- | --- |
| Infancy | 0-2 |
"""


def pdftext(pdf: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


@dataclass
class Tagged:
    """What a screen reader gets from a PDF: its tags in reading order, and what is loose."""

    pdf: pikepdf.Pdf  # kept open: the tags are its objects
    tags: list[tuple[str, pikepdf.Dictionary]]
    outline: list[tuple[int, str]]
    untagged: list[str]


def tagged(path: Path) -> Tagged:
    pdf = pikepdf.open(path)
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    tags: list[tuple[str, pikepdf.Dictionary]] = []
    linked: set[tuple[int, int]] = set()

    def visit(element: object, page: int | None) -> None:
        if isinstance(element, int):
            linked.add((page or 0, element))
            return
        if not isinstance(element, pikepdf.Dictionary):
            return
        if "/Pg" in element:
            page = pages[element.Pg.objgen]
        if element.get("/Type") == pikepdf.Name.MCR:
            linked.add((page or 0, int(element.MCID)))
            return
        if "/S" in element:
            tags.append((str(element.S)[1:], element))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            visit(kid, page)

    visit(pdf.Root.StructTreeRoot, None)
    untagged = []
    for index, page in enumerate(pdf.pages):
        stack: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BMC", "BDC"):
                stack.append(str(operands[0]))
                props = operands[1] if op == "BDC" else None
                mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                if mcid is not None and (index, int(mcid)) not in linked:
                    untagged.append(f"page {index + 1}: marked content outside the tree")
            elif op == "EMC":
                stack.pop()
            elif op in ("Tj", "TJ", "'", '"', "Do", "sh") and not stack:
                untagged.append(f"page {index + 1}: {op} outside marked content")
    outline: list[tuple[int, str]] = []
    with pdf.open_outline() as tree:

        def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
            for item in items:
                outline.append((depth, item.title))
                walk(item.children, depth + 1)

        walk(tree.root, 1)
    return Tagged(pdf, tags, outline, untagged)


def source_headings(src: Path, taxonomy: Taxonomy, course_slug: str) -> list[tuple[int, str]]:
    """The headings a course handout must have, read from the Markdown sources."""
    course = taxonomy.course(course_slug)
    articles: dict[str, list[tuple[str, list[tuple[int, str]]]]] = {}
    terms = False
    for page in sorted((src / "articles").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        found = re.search(r"^category: (\S+)", text, re.MULTILINE)
        heads = [(len(m[1]), m[2].strip()) for m in re.finditer(r"^(#+) (.+)$", text, re.MULTILINE)]
        if found:
            articles.setdefault(found[1], []).append((heads[0][1].casefold(), heads))
            if found[1] in {c.slug for c in course.categories} and "{term}" in text:
                terms = True
    expected = [(1, course.title), (2, "Contents")]
    for cat in course.categories:
        expected.append((2, taxonomy.category_label(cat.slug)))
        for _, heads in sorted(articles.get(cat.slug, [])):
            expected += [(level + 2, title) for level, title in heads]
    return [*expected, (2, "Key terms")] if terms else expected


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("handouts")
    unicode_page = (Path(__file__).parent / "data" / "unicode-soup.md").read_text(encoding="utf-8")
    src = copy_root(tmp, "course", files={"articles/unicode-soup.md": unicode_page + EXTRA})
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"\nhtml_baseurl = {SITE!r}\n")
    assert build_handouts(source=src, conf=src, build=tmp / "build") == 0
    return src, tmp / "build"


@pytest.fixture(scope="module")
def handouts(built: tuple[Path, Path]) -> Path:
    return built[1] / "handouts"


@pytest.fixture(scope="module")
def taxonomy(built: tuple[Path, Path]) -> Taxonomy:
    return load_taxonomy(built[0] / "taxonomy.yaml")


def test_one_pdf_per_course_and_edition(handouts: Path, taxonomy: Taxonomy) -> None:
    assert sorted(p.name for p in handouts.glob("*.pdf")) == sorted(
        f"{course.slug}-{edition}.pdf"
        for course in taxonomy.courses
        for edition in ("student", "instructor")
    )


def test_title_page_names_course_edition_site_licence_and_build(handouts: Path) -> None:
    first_page = " ".join(pdftext(handouts / "junior-course-student.pdf").split("\f")[0].split())
    assert "Junior Course" in first_page
    assert "Junior · Student edition" in first_page
    assert SITE in first_page
    assert "CC BY 4.0" in first_page
    assert re.search(r"Built \d{4}-\d\d-\d\d, version \S+", first_page)
    instructor = pdftext(handouts / "junior-course-instructor.pdf").split("\f")[0]
    assert "Junior · Instructor edition" in instructor


def test_metadata_is_true(handouts: Path, taxonomy: Taxonomy) -> None:
    for course in taxonomy.courses:
        pdf = pikepdf.open(handouts / f"{course.slug}-student.pdf")
        info = pdf.docinfo
        assert str(info["/Title"]) == course.title
        assert str(info["/Author"]) == "Course test"  # the project, not the edition
        assert "student edition" in str(info["/Subject"])
        for cat in course.categories:
            assert cat.title in str(info["/Keywords"])
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert bool(pdf.Root.MarkInfo.Marked)
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"


def test_every_font_is_embedded(handouts: Path) -> None:
    done = subprocess.run(
        ["pdffonts", str(handouts / "senior-course-student.pdf")],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = done.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        assert re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row), row


def test_headings_follow_the_source_and_the_outline(
    built: tuple[Path, Path], taxonomy: Taxonomy
) -> None:
    src, build = built
    for course in taxonomy.courses:
        pdf = tagged(build / "handouts" / f"{course.slug}-instructor.pdf")
        expected = source_headings(src, taxonomy, course.slug)
        assert pdf.outline == expected
        levels = [int(tag[1]) for tag, _ in pdf.tags if re.fullmatch(r"H[1-6]", tag)]
        assert levels == [level for level, _ in expected]
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_structure_has_paragraphs_lists_tables_figures_and_links(handouts: Path) -> None:
    pdf = tagged(handouts / "senior-course-student.pdf")
    names = {tag for tag, _ in pdf.tags}
    assert {"P", "L", "LI", "Table", "TH", "TD", "Figure", "Link"} <= names
    figures = [element for tag, element in pdf.tags if tag == "Figure"]
    assert figures
    for figure in figures:
        assert str(figure.get("/Alt", "")).strip(), "a figure without alt text"
    assert "Attention leads to memory." in [str(f.Alt) for f in figures]


def test_no_page_content_outside_the_tree_or_artifacts(handouts: Path) -> None:
    for pdf in sorted(handouts.glob("*.pdf")):
        assert tagged(pdf).untagged == [], pdf.name


def test_running_heads_and_page_numbers_are_artifacts(handouts: Path) -> None:
    pdf = pikepdf.open(handouts / "junior-course-student.pdf")
    page = pdf.pages[2]
    artifacts = [
        operands
        for operands, operator in pikepdf.parse_content_stream(page)
        if str(operator) == "BDC" and str(operands[0]) == "/Artifact"
    ]
    assert artifacts  # the running head and the page number
    assert "Junior Course" in pdftext(handouts / "junior-course-student.pdf").split("\f")[2]


def test_pdfua_checker_passes(handouts: Path) -> None:
    for pdf in sorted(handouts.glob("*.pdf")):
        report = validate(str(pdf))
        assert [(f.rule_id, f.message) for f in report.findings] == [], pdf.name
        assert report.exit_code == 0


def test_no_blank_pages_and_chapters_name_their_category(
    handouts: Path, taxonomy: Taxonomy
) -> None:
    text = pdftext(handouts / "junior-course-student.pdf")
    pages = text.split("\f")[:-1]
    assert all(len(page.split()) > 3 for page in pages), "a blank page"
    course = taxonomy.course("junior-course")
    for cat in course.categories:
        label = taxonomy.category_label(cat.slug)
        assert any(page.split("\n", 3)[-1].lstrip().startswith(label) for page in pages), label
    assert "Index" not in text and "CHAPTER" not in text.upper()


def test_student_edition_has_numbered_questions_space_and_no_answers_or_notes(
    handouts: Path, built: tuple[Path, Path]
) -> None:
    text = pdftext(handouts / "junior-course-student.pdf")
    assert "Question 1" in text and "What is memory?" in text
    assert "The ability to keep information over time." not in text
    assert "TEACHING-NOTE-SECRET" not in text
    assert "Model answer" not in text
    html = (
        built[1] / "handout-html" / "student" / "all" / "junior-course-student.html"
    ).read_text()
    assert f'data-lines="{DEFAULT_LINES}"' in html
    assert answer_lines(3) > answer_lines(1) > 0 and answer_lines("") == DEFAULT_LINES


def test_instructor_edition_has_answers_and_teaching_notes(
    handouts: Path, built: tuple[Path, Path]
) -> None:
    text = " ".join(pdftext(handouts / "junior-course-instructor.pdf").split())
    assert "Model answer The ability to keep information over time." in text
    assert "TEACHING-NOTE-SECRET" in text
    html = built[1] / "handout-html" / "instructor" / "all" / "junior-course-instructor.html"
    assert "answer-space" not in html.read_text()


def test_awkward_unicode_builds_and_unprintable_characters_are_visible(handouts: Path) -> None:
    text = " ".join(pdftext(handouts / "senior-course-student.pdf").split())
    for sample in ("café", "Dvořák", "ψυχή", "x ≤ y", "√2", "en – dash", "“curly”", "10 °C"):
        assert sample in text, sample
    assert "[U+1F9E0]" in text and "[U+1F600]" in text


def test_maths_prints_as_a_drawing_with_its_tex_as_alt_text(handouts: Path) -> None:
    pdf = handouts / "senior-course-student.pdf"
    text = " ".join(pdftext(pdf).split())
    assert "Pythagoras:" in text and "a^2" not in text
    read = tagged(pdf)  # kept: the tags are objects of its open PDF
    alts = [str(e.Alt) for _, e in read.tags if "/Alt" in e]
    assert "a^2 + b^2 = c^2" in alts


#: Two ways a handout fails: it asks for a file outside the build, or WeasyPrint
#: itself stops (nesting deeper than Python's recursion limit).
BREAKAGES = {
    "refused": (
        '<p><img src="/etc/hostname" alt="x"></p>',
        ("/etc/hostname", "not a file of the handout build"),
    ),
    "crash": ("<div>" * 3000 + "deep" + "</div>" * 3000, ("RecursionError",)),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_broken_handout_is_reported_and_does_not_stop_the_others(
    tmp_path: Path, built: tuple[Path, Path], breakage: str
) -> None:
    folder = tmp_path / "html"
    shutil.copytree(built[1] / "handout-html" / "student" / "all", folder)
    broken = folder / "junior-course-student.html"
    marker = '<span id="document-articles/remembering"></span>'
    text = broken.read_text(encoding="utf-8")
    assert marker in text
    inserted, expected = BREAKAGES[breakage]
    broken.write_text(text.replace(marker, marker + inserted, 1), encoding="utf-8")
    results = {r.html.stem: r for r in print_all(folder / MANIFEST, tmp_path / "out")}
    assert results["senior-course-student"].pdf is not None
    failed = results["junior-course-student"]
    assert failed.pdf is None
    assert "on page src/articles/remembering.md" in failed.problem
    for words in expected:
        assert words in failed.problem
    assert len(failed.problem.splitlines()) < 10
    assert not (tmp_path / "out" / "junior-course-student.pdf").exists()


def test_an_article_handout_is_titled_with_the_article_title(built: tuple[Path, Path]) -> None:
    src, build = built
    assert (
        build_handouts("article:remembering", ("student",), source=src, conf=src, build=build) == 0
    )
    pdf = build / "handouts" / "remembering-student.pdf"
    with pikepdf.open(pdf) as opened:
        assert str(opened.docinfo["/Title"]) == "Remembering Things"
        assert str(opened.docinfo["/Subject"]) == "How we remember things."
        assert str(opened.docinfo["/Keywords"]) == "memory, forgetting"
    assert "Remembering Things" in pdftext(pdf).split("\f")[0]


#: The real courses, from the taxonomy: each prints in a test class of its own, so
#: `make test`'s workers share the printing (the Sphinx step is made once).
REAL_COURSES = load_taxonomy(ROOT / "conf" / "taxonomy.yaml").courses


@pytest.fixture(scope="session")
def real_handout_html(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """`make handouts`' Sphinx step on the real docs, once per run: both editions' handout
    HTML (not yet printed), and each edition's sphinx-build exit status."""

    def write(build: Path) -> dict[str, Any]:
        return {
            edition: sphinx_handouts(
                "all", edition, real_handouts(build, edition), build / "doctrees", DOCS, CONF
            )
            for edition in EDITIONS
        }

    return built_once(tmp_path_factory, "real-handouts", write)


def real_handouts(build: Path, edition: str) -> Path:
    """Where `make handouts` writes one edition's handout HTML for every course."""
    return build / "handout-html" / edition / "all"


def test_real_course_handouts_are_one_per_course_and_edition(
    real_handout_html: tuple[dict[str, Any], Path],
) -> None:
    written, build = real_handout_html
    assert written == dict.fromkeys(EDITIONS, 0), "Sphinx could not write the handouts"
    manifests = [real_handouts(build, edition) / MANIFEST for edition in EDITIONS]
    assert sorted(e["pdf"] for m in manifests for e in json.loads(m.read_text())) == sorted(
        f"{course.slug}-{edition}.pdf" for course in REAL_COURSES for edition in EDITIONS
    )


def check_real_course(
    course: Course, real_handout_html: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    """`make handouts` on the real docs: both editions of each course, tagged and checked."""
    written, build = real_handout_html
    assert written == dict.fromkeys(EDITIONS, 0), "Sphinx could not write the handouts"

    def print_edition(edition: str) -> list[Result]:
        folder = real_handouts(build, edition)
        entries = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        mine = [e for e in entries if e["pdf"] == f"{course.slug}-{edition}.pdf"]
        manifest = folder / f"{course.slug}-{MANIFEST}"
        manifest.write_text(json.dumps(mine), encoding="utf-8")
        return print_all(manifest, tmp_path, jobs=1)

    with ThreadPoolExecutor(max_workers=len(EDITIONS)) as pool:
        results = [r for done in pool.map(print_edition, EDITIONS) for r in done]
    assert [(r.html.name, r.problem) for r in results if r.pdf is None] == []
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert [p.name for p in pdfs] == sorted(f"{course.slug}-{e}.pdf" for e in EDITIONS)
    for pdf in pdfs:
        assert [(f.rule_id, f.message) for f in validate(str(pdf)).findings] == [], pdf.name
        found = tagged(pdf)
        assert found.untagged == [], pdf.name
        assert all(str(e.get("/Alt", "")).strip() for t, e in found.tags if t == "Figure")
    for edition in EDITIONS:
        first = pdftext(tmp_path / f"{course.slug}-{edition}.pdf").split("\f")[0]
        assert course.title in " ".join(first.split()), edition
        assert f"{edition.capitalize()} edition" in " ".join(first.split())


def _real_course_case(course: Course) -> type:
    """One real course's test as a class of its own: `make test` (--dist loadscope) hands
    each class to whichever worker is free, so the courses print side by side."""

    def test_handouts_all_build(
        self: object, real_handout_html: tuple[dict[str, Any], Path], tmp_path: Path
    ) -> None:
        check_real_course(course, real_handout_html, tmp_path)

    name = "TestRealCourse_" + course.slug.replace("-", "_")
    return type(name, (), {"test_handouts_all_build": test_handouts_all_build})


for _course in REAL_COURSES:
    _case = _real_course_case(_course)
    globals()[_case.__name__] = _case


@pytest.mark.parametrize(
    ("selection", "words"),
    [
        ("article:no-such-page", "no article 'no-such-page'"),
        ("category:no-such-category", "no category 'no-such-category'"),
        ("chapter:one", "expected 'all', 'category:<slug>' or 'article:<slug>'"),
    ],
)
def test_a_selection_that_names_nothing_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], selection: str, words: str
) -> None:
    src = copy_root(tmp_path, "course")
    assert build_handouts(selection, source=src, conf=src, build=tmp_path / "build") == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err.splitlines()) == 1
