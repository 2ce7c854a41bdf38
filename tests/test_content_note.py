"""Care on sensitive topics (issue 17): content notes, support lines, safeguarding.

The data is conf/sensitive-topics.yaml's: the tests read the real file for the
support lines they expect, and a small copy of it in the test root decides
which pages are sensitive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import build, copy_root, main_text, soup, warnings
from tools.course.care import Care, CareError, care_file, load_care
from tools.course.checker import check_paths
from tools.course.taxonomy import load_taxonomy

CONF = Path(__file__).resolve().parent.parent / "conf"
REAL = load_care(care_file(CONF / "taxonomy.yaml"), load_taxonomy(CONF / "taxonomy.yaml"))

NOTE = """
:::{content-note}
This page talks about grief after a death in the family.
:::
"""


def page(category: str, note: str, keywords: str = "bereavement, family") -> str:
    return (
        f"---\ncategory: {category}\ntopics: [learning]\nsummary: Loss and grief.\n"
        f"keywords: [{keywords}]\n---\n\n# Losing Someone\n{note}\nPeople grieve in many ways.\n"
    )


def root(tmp_path: Path, **pages: str) -> Path:
    """The test root with the real care file and the given articles."""
    src = copy_root(
        tmp_path, "course", files={f"articles/{slug}.md": text for slug, text in pages.items()}
    )
    (src / "sensitive-topics.yaml").write_text(
        (CONF / "sensitive-topics.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "support_levels: [year-7, year-8, year-9, year-10, year-11]",
            "support_levels: [junior]",
        ),
        encoding="utf-8",
    )
    return src


def test_the_real_file_lists_the_support_lines_a_child_may_need() -> None:
    assert REAL.support_lines and REAL.safeguarding
    contacts = {line.name: line.contact for line in REAL.support_lines}
    assert contacts == {
        "Childline": "call 0800 1111",
        "Samaritans": "call 116 123",
        "Shout": "text SHOUT to 85258",
    }
    assert all(line.url.startswith("https://") for line in REAL.support_lines)


def test_a_school_page_shows_its_note_with_the_support_lines(make_app: Any, tmp_path: Path) -> None:
    src = root(tmp_path, grief=page("junior-growing", NOTE))
    app = build(make_app, src)
    assert "content-note" not in warnings(app) and "CN00" not in warnings(app)
    note = soup(app, "articles/grief.html").select_one(".course-content-note")
    assert note is not None
    text = " ".join(note.get_text(" ").split())
    assert text.startswith("Content note") and "grief after a death" in text
    for line in REAL.support_lines:
        assert f"{line.name} : {line.contact}" in text or f"{line.name}: {line.contact}" in text
        assert note.find("a", href=line.url) is not None
    # The teaching note is for instructors only: not on the site.
    assert REAL.safeguarding.split(":")[0] not in main_text(app, "articles/grief.html")


def test_the_instructor_handout_adds_the_safeguarding_reminder(
    make_app: Any, tmp_path: Path
) -> None:
    first_words = " ".join(REAL.safeguarding.split()[:6])
    instructor = build(
        make_app,
        root(tmp_path / "i", grief=page("junior-growing", NOTE)),
        "handout",
        confoverrides={"course_edition": "instructor"},
    )
    text = " ".join(soup(instructor, "junior-course-instructor.html").get_text(" ").split())
    assert "grief after a death" in text and first_words in text
    student = build(make_app, root(tmp_path / "s", grief=page("junior-growing", NOTE)), "handout")
    text = " ".join(soup(student, "junior-course-student.html").get_text(" ").split())
    assert "grief after a death" in text and first_words not in text
    assert REAL.support_lines[0].contact in text


def test_a_university_level_note_has_no_school_support_lines(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, root(tmp_path, grief=page("senior-basics", NOTE)))
    note = soup(app, "articles/grief.html").select_one(".course-content-note")
    assert note is not None
    assert all(line.contact not in note.get_text(" ") for line in REAL.support_lines)


def test_check_warns_when_a_sensitive_page_has_no_note(tmp_path: Path) -> None:
    src = root(tmp_path, grief=page("junior-growing", ""), calm=page("junior-growing", "", "x"))
    findings = check_paths([src / "articles"], src, load_taxonomy(src / "taxonomy.yaml"))
    found = [(Path(f.path).name, f.line, f.severity) for f in findings if f.code == "CN001"]
    assert found == [("grief.md", 5, "warning")]
    [message] = [f.message for f in findings if f.code == "CN001"]
    assert "'bereavement'" in message and "content-note" in message
    with_note = root(tmp_path / "n", grief=page("junior-growing", NOTE))
    findings = check_paths(
        [with_note / "articles"], with_note, load_taxonomy(with_note / "taxonomy.yaml")
    )
    assert [f for f in findings if f.code.startswith("CN")] == []


def test_a_broken_care_file_is_an_error_at_its_line(tmp_path: Path) -> None:
    src = root(tmp_path)
    path = src / "sensitive-topics.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "support_levels: [junior]", "support_levels: [junor]"
    )
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("support_levels: [junor]") + 1
    with pytest.raises(
        CareError,
        match=rf":{line}: support_levels: 'junor' is not a level slug; did you mean 'junior'",
    ):
        load_care(path, load_taxonomy(src / "taxonomy.yaml"))
    findings = check_paths([src / "articles"], src, load_taxonomy(src / "taxonomy.yaml"))
    assert [(f.code, f.line) for f in findings if f.code == "CN002"] == [("CN002", line)]


def test_no_file_means_no_sensitive_topics(tmp_path: Path) -> None:
    assert load_care(tmp_path / "none.yaml", load_taxonomy(CONF / "taxonomy.yaml")) == Care()
