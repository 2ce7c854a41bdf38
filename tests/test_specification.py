"""Exam specifications: the data files, ``spec`` in front matter, coverage pages, handouts.

The small site is tests/roots/test-spec (the test-course root with a
specification file of its own and ``spec`` on two articles); the real file
is conf/specifications/aqa-8182.yaml. Expected points and counts come from
the loaded files, never from numbers written here.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sphinx.errors import ConfigError

from helpers import ROOTS, build, copy_root, differing_pages, main_text, soup, warnings
from tools.course.checker import check_paths
from tools.course.frontmatter import read_front_matter, validate_article
from tools.course.specification import (
    Specification,
    SpecificationError,
    coverage,
    load_specification,
    load_specifications,
    spec_problems,
    specifications_folder,
)
from tools.course.taxonomy import Taxonomy, load_taxonomy

REPO = Path(__file__).resolve().parent.parent
TAXONOMY = REPO / "conf" / "taxonomy.yaml"
ROOT = ROOTS / "test-spec"
SPEC_ID = "test-board"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(ROOT / "taxonomy.yaml")


@pytest.fixture(scope="module")
def spec(taxonomy: Taxonomy) -> Specification:
    return load_specification(ROOT / "specifications" / f"{SPEC_ID}.yaml", taxonomy)


def _taught_in_root(spec: Specification) -> dict[str, set[str]]:
    """Point number -> article titles that list it, read from the root's front matter."""
    taught: dict[str, set[str]] = {p.number: set() for p in spec.points}
    for path in sorted((ROOT / "articles").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        fm, _ = read_front_matter(text)
        title = re.search(r"^# (.+)$", text, re.M)
        assert title is not None
        for point_id in fm.data.get("spec", []) if fm else []:
            taught[point_id.partition(":")[2]].add(title.group(1))
    return taught


# --- the real file --------------------------------------------------------------------


def test_the_aqa_file_loads_with_every_topic_numbered_and_taught_in_the_gcse_courses() -> None:
    real = load_taxonomy(TAXONOMY)
    specs = load_specifications(specifications_folder(TAXONOMY), real)
    aqa = specs.get("aqa-8182")
    assert aqa is not None
    assert aqa.title == "AQA GCSE Psychology (8182)"
    assert set(aqa.courses) == {"year-10-psychology", "year-11-psychology"}
    assert [t.title for t in aqa.topics][:1] == ["Memory"]
    ids = [p.id for p in aqa.points]
    assert len(ids) == len(set(ids))
    for topic in aqa.topics:
        assert topic.points and topic.section
        assert all(p.number.startswith(topic.number + ".") for p in topic.points)
    # The example the writers were given names a real point.
    assert specs.point("aqa-8182:3.1.3") is not None


# --- loader errors ---------------------------------------------------------------------

GOOD = (ROOT / "specifications" / f"{SPEC_ID}.yaml").read_text(encoding="utf-8")

BROKEN = {
    "unknown key": (
        GOOD.replace('  - number: "1.2"\n    title:', '  - number: "1.2"\n    titel:'),
        "topic 1.2: unknown key 'titel'; did you mean 'title'?",
        "titel:",
    ),
    "point outside its topic": (
        GOOD.replace('number: "1.1.2"', 'number: "1.2.9"'),
        "a content point of topic 1.1: number '1.2.9' must start with its topic's number '1.1'.",
        'number: "1.2.9"',
    ),
    "number used twice": (
        GOOD.replace('number: "1.2.2"', 'number: "1.2.1"'),
        "content point 1.2.1: number 1.2.1 is used twice",
        '      - number: "1.2.1"\n        title: Dividing',
    ),
    "unknown course": (
        GOOD.replace("courses: [junior-course]", "courses: [junior-cours]"),
        "file: 'courses': unknown course 'junior-cours'; did you mean 'junior-course'",
        "courses: [junior-cours]",
    ),
    "an item with a colon": (
        GOOD.replace("- interference", "- interference: old and new"),
        "content point 1.1.2: each of 'items' must be a non-empty string",
        "- interference: old and new",
    ),
    "not YAML": (
        GOOD.replace("board: TB", "board: [TB"),
        "not valid YAML",
        None,
    ),
}


def _line_of(text: str, fragment: str) -> int:
    """The line where *fragment* (possibly several lines) starts."""
    return text[: text.index(fragment)].count("\n") + 1


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_file_is_an_error_naming_file_line_entry_and_problem(
    case: str, tmp_path: Path, taxonomy: Taxonomy
) -> None:
    text, expected, where = BROKEN[case]
    path = tmp_path / f"{SPEC_ID}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecificationError) as caught:
        load_specification(path, taxonomy)
    message = str(caught.value)
    assert expected in message
    if where is not None:
        assert message.startswith(f"{path}:{_line_of(text, where)}: ")
        assert caught.value.line == _line_of(text, where)


def test_the_file_name_is_the_id_and_must_be_a_slug(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = tmp_path / "Test_Board.yaml"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(SpecificationError, match="the file name is the specification's id"):
        load_specification(path, taxonomy)


# --- ids in front matter ------------------------------------------------------------------


def _meta(taxonomy: Taxonomy, category: str, ids: list[str]) -> Any:
    text = f"---\ncategory: {category}\nsummary: A page.\nspec: {ids}\n---\n\n# A page\n"
    fm, problems = read_front_matter(text)
    assert not problems
    meta, problems = validate_article(fm, taxonomy)
    assert not problems
    return meta


@pytest.mark.parametrize(
    ("given", "expected", "hint"),
    [
        (
            "test-board:1.1.9",
            "'spec': 'test-board:1.1.9' is not a content point of TB Junior",
            "did you mean 'test-board:1.1.",  # the same topic's points first
        ),
        (
            "test-bord:1.1.1",
            "'spec': no specification 'test-bord' in conf/specifications/",
            "did you mean 'test-board'?",
        ),
        ("1.1.1", "'spec': '1.1.1' is not '<specification>:<content point>'", "e.g. 'aqa-8182:"),
    ],
)
def test_an_unknown_id_is_a_problem_at_the_key_line_with_a_suggestion(
    taxonomy: Taxonomy, given: str, expected: str, hint: str
) -> None:
    specs = load_specifications(ROOT / "specifications", taxonomy)
    valid, problems = spec_problems(
        _meta(taxonomy, "junior-basics", ["test-board:1.1.1", given]), specs, taxonomy
    )
    assert valid == ("test-board:1.1.1",)
    [problem] = problems
    assert (problem.line, problem.code) == (4, "FM009")
    assert problem.message.startswith(expected)
    assert hint in problem.message


def test_only_the_courses_a_specification_names_may_use_its_ids(taxonomy: Taxonomy) -> None:
    specs = load_specifications(ROOT / "specifications", taxonomy)
    valid, [problem] = spec_problems(
        _meta(taxonomy, "senior-basics", ["test-board:1.1.1"]), specs, taxonomy
    )
    assert valid == ()
    assert "TB 1234 is taught in junior-course" in problem.message
    assert "senior-course" in problem.message


def test_course_check_reports_an_unknown_id_and_a_broken_file(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(ROOT, docs)
    page = docs / "articles" / "remembering.md"
    text = page.read_text(encoding="utf-8").replace("test-board:1.1.2", "test-board:1.1.3")
    page.write_text(text, encoding="utf-8")
    findings = check_paths([page], docs, load_taxonomy(docs / "taxonomy.yaml"))
    [found] = [f for f in findings if f.code == "FM009"]
    assert found.line == _line_of(text, "spec:")
    assert (
        "'test-board:1.1.3'" in found.message and "did you mean 'test-board:1.1." in found.message
    )

    spec_file = docs / "specifications" / f"{SPEC_ID}.yaml"
    broken = GOOD.replace("courses: [junior-course]", "courses: [nobody]")
    spec_file.write_text(broken, encoding="utf-8")
    findings = check_paths([page], docs, load_taxonomy(docs / "taxonomy.yaml"))
    [found] = [f for f in findings if f.code == "SPEC001"]
    assert (found.path, found.line) == (spec_file, _line_of(broken, "courses: [nobody]"))
    assert "unknown course 'nobody'" in found.message


# --- the site --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One build of the root, shared by the tests that only read it."""
    from sphinx.testing.util import SphinxTestApp

    app = SphinxTestApp("html", srcdir=copy_root(tmp_path_factory.mktemp("spec-site"), "spec"))
    app.build()
    yield app
    app.cleanup()


def _coverage_page(app: Any) -> str:
    return f"browse/specifications/{SPEC_ID}.html"


def test_the_coverage_page_lists_every_point_with_its_articles_or_a_mark(
    site: Any, spec: Specification
) -> None:
    page = soup(site, _coverage_page(site))
    taught = _taught_in_root(spec)
    for point in spec.points:
        row = page.find(id=point.anchor)
        assert row is not None, point.id
        text = " ".join(row.get_text(" ").split())
        assert text.startswith(f"{point.number} {point.title}")
        shown = {a.get_text() for a in row.select("a")}
        assert shown == taught[point.number]
        assert ("Not taught yet" in text) == (not taught[point.number])
    covered = sum(1 for titles in taught.values() if titles)
    assert f"{covered} of {len(spec.points)} content points taught." in main_text(
        site, _coverage_page(site)
    )
    for topic in spec.topics:
        heading = page.find(id="topic-" + topic.number.replace(".", "-"))
        assert heading is not None and heading.find(["h2", "h3"]) is not None


def test_an_article_names_its_points_linked_to_their_rows(site: Any, spec: Specification) -> None:
    line = soup(site, "articles/paying-attention.html").select_one(".course-spec-line")
    assert line is not None
    text = " ".join(line.get_text(" ").split())
    assert text.startswith(f"{spec.label}: ")
    links = line.select("a")
    assert [a.get_text() for a in links] == [
        f"{p.number} {p.title}" for p in (spec.point("1.2.1"), spec.point("1.1.1")) if p
    ]
    for a in links:
        target, _, anchor = str(a["href"]).partition("#")
        assert target.endswith(f"specifications/{SPEC_ID}.html")
        assert soup(site, _coverage_page(site)).find(id=anchor) is not None


def test_the_course_page_links_to_the_coverage_with_its_count(
    site: Any, spec: Specification
) -> None:
    link = soup(site, "browse/courses/junior-course.html").select_one(".course-spec-link a")
    assert link is not None and str(link["href"]).endswith(f"specifications/{SPEC_ID}.html")
    covered = sum(1 for titles in _taught_in_root(spec).values() if titles)
    assert f"{covered} of {len(spec.points)} content points taught" in main_text(
        site, "browse/courses/junior-course.html"
    )
    assert soup(site, "browse/courses/senior-course.html").select_one(".course-spec-link") is None


def test_search_filters_articles_by_the_points_they_teach(site: Any, spec: Specification) -> None:
    """Each article carries a search filter per point; the labels name board, number and title."""
    for path in sorted((ROOT / "articles").glob("*.md")):
        fm, _ = read_front_matter(path.read_text(encoding="utf-8"))
        body = soup(site, f"articles/{path.stem}.html").select_one("[data-pagefind-body]")
        assert fm is not None and body is not None
        filters = {t["data-pagefind-filter"] for t in body.select("[data-pagefind-filter]")}
        assert {f for f in filters if f.startswith("spec:")} == {
            f"spec:{point_id}" for point_id in fm.data.get("spec", [])
        }
    labels = json.loads(Path(site.outdir, "pagefind", "course-filters.json").read_text())
    assert labels["spec"] == {p.id: f"{spec.label} {p.number} {p.title}" for p in spec.points}


def test_a_wrong_id_is_a_build_warning_at_its_line(make_app: Any, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "spec")
    page = src / "articles" / "working-memory.md"
    text = page.read_text(encoding="utf-8").replace(
        "keywords:", "spec: [test-board:1.1.1, test-board:1.2.9]\nkeywords:"
    )
    page.write_text(text, encoding="utf-8")
    app = build(make_app, src)
    line = _line_of(text, "spec:")
    log = warnings(app)
    assert f"working-memory.md:{line}: WARNING: 'spec': 'test-board:1.2.9' is not a content" in log
    assert "did you mean 'test-board:1.2." in log
    assert "TB 1234 is taught in junior-course" in log  # a senior article may not use it
    assert soup(app, "articles/working-memory.html").select_one(".course-spec-line") is None


def test_a_broken_specification_file_stops_the_build_saying_where(
    make_app: Any, tmp_path: Path
) -> None:
    src = copy_root(tmp_path, "spec")
    broken = GOOD.replace('number: "1.1.2"', 'number: "2.1.2"')
    (src / "specifications" / f"{SPEC_ID}.yaml").write_text(broken, encoding="utf-8")
    line = _line_of(broken, 'number: "2.1.2"')
    with pytest.raises(ConfigError, match=rf"{SPEC_ID}\.yaml:{line}: a content point of topic"):
        make_app("html", srcdir=src)


def _row_text(app: Any, anchor: str) -> str:
    row = soup(app, _coverage_page(app)).find(id=anchor)
    assert row is not None
    return " ".join(row.get_text(" ").split())


def test_editing_an_articles_spec_updates_the_coverage_page_incrementally(
    make_app: Any, tmp_path: Path, spec: Specification
) -> None:
    src = copy_root(tmp_path, "spec")
    build(make_app, src)
    page = src / "articles" / "remembering.md"
    dropped, gained = spec.point("1.1.2"), spec.point("1.2.2")
    assert dropped is not None and gained is not None
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(dropped.id, gained.id), encoding="utf-8")
    app = build(make_app, src)
    assert "Not taught yet" in _row_text(app, dropped.anchor)  # lost its last article
    assert "Remembering Things" in _row_text(app, gained.anchor)
    assert "Not taught yet" not in _row_text(app, gained.anchor)
    fresh_src = tmp_path / "fresh"
    shutil.copytree(src, fresh_src, ignore=shutil.ignore_patterns("_build", "browse"))
    fresh = build(make_app, fresh_src, freshenv=True)
    assert differing_pages(app.outdir, fresh.outdir) == []


def test_a_parallel_build_gives_the_same_pages(make_app: Any, tmp_path: Path, site: Any) -> None:
    parallel = build(make_app, copy_root(tmp_path, "spec"), parallel=2)
    assert differing_pages(site.outdir, parallel.outdir) == []


def test_the_instructor_handout_starts_with_the_coverage_table(
    make_app: Any, tmp_path: Path, spec: Specification
) -> None:
    app = build(
        make_app,
        copy_root(tmp_path, "spec"),
        "handout",
        confoverrides={"course_edition": "instructor"},
    )
    main = soup(app, "junior-course-instructor.html").find("main")
    assert main is not None
    course = main.find("section")
    assert course is not None
    inner = course.find(["section", "p", "div", "table"])  # its first block
    assert inner is not None and inner.name == "section"
    heading = inner.find(["h2", "h3"])
    assert heading is not None and heading.get_text(" ").startswith("Specification coverage:")
    rows = [" ".join(r.get_text(" ").split()) for r in inner.select("tbody tr")]
    taught = _taught_in_root(spec)
    for point in spec.points:
        [row] = [r for r in rows if r.startswith(f"{point.number} {point.title}")]
        assert row.endswith("Not taught yet") == (not taught[point.number])
    student = build(make_app, copy_root(tmp_path / "s", "spec"), "handout")
    printed = soup(student, "junior-course-student.html")
    assert "Specification coverage" not in printed.get_text()
    # Both editions print each article's points in its header, as words.
    lines = [" ".join(p.get_text(" ").split()) for p in printed.select(".course-spec-line")]
    first = spec.point("1.2.1")
    assert first is not None
    assert any(line.startswith(f"{spec.label}: {first.number} {first.title}") for line in lines)


def test_coverage_counts_a_point_once_per_article(spec: Specification) -> None:
    found = coverage(
        spec, [("a", [f"{SPEC_ID}:1.1.1", f"{SPEC_ID}:1.1.1"]), ("b", ["other:1.1.1"])]
    )
    assert found.taught["1.1.1"] == ("a",)
    assert found.covered == 1 and found.total == len(spec.points)
