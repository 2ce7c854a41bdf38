"""The taxonomy file: the real one loads complete and in order; bad ones say what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.course.taxonomy import TaxonomyError, load_taxonomy

REAL = Path(__file__).resolve().parent.parent / "conf" / "taxonomy.yaml"

GOOD = """\
levels:
  - slug: year-7
    title: Year 7
    description: First year.
    reading_grade: 8
    courses:
      - slug: year-7-psychology
        title: Year 7 Psychology
        description: A course.
        categories:
          - slug: intro
            title: Introduction
            description: A category.
            subjects: [mind]
subjects:
  - slug: mind
    title: Mind
    description: A subject.
    topics:
      - slug: memory
        title: Memory
        description: A topic.
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_real_taxonomy_is_complete_and_in_course_order() -> None:
    """How many entries there are is the file's business: adding one is one edit of it."""
    tx = load_taxonomy(REAL)
    assert [lv.title for lv in tx.levels] == [
        "Year 7",
        "Year 8",
        "Year 9",
        "Year 10 (GCSE Year 1)",
        "Year 11 (GCSE Year 2)",
        "Psychology 101",
        "University modules",
    ]
    assert all(course.categories for course in tx.courses)
    assert all(subject.topics for subject in tx.subjects)
    assert [c.title for c in tx.level("university").courses] == [
        "Introduction to Psychology",
        "Developmental Psychology",
        "Cognitive Psychology",
        "Abnormal Psychology",
        "Social Psychology",
        "Neuroscience",
        "Research Methods",
        "Personality Psychology",
        "Psychological Assessment",
    ]
    assert (
        tx.category_label("treatment-approaches")
        == "Treatment Approaches — Abnormal Psychology module"
    )
    assert tx.topic("effectiveness-of-therapy-techniques").subject == "therapy-techniques"
    # Every entry in the seed's category list is carried.
    seed_titles = {
        "Memory: Understanding Cognitive Processes",
        "Art Therapy: Expressing Emotions through Creativity",
        "Interpreting Psychological Assessment Results",
        "Neurotransmitters and Their Functions",
    }
    titles = {c.title for c in tx.categories} | {t.title for t in tx.topics}
    assert seed_titles <= titles


def test_good_file_loads(tmp_path: Path) -> None:
    tx = load_taxonomy(write(tmp_path, GOOD))
    assert tx.category("intro").subjects == ("mind",)
    assert tx.category("intro").level == "year-7"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            (
                "            description: A category.\n",
                "            description: A category.\n            colour: red\n",
            ),
            r"taxonomy.yaml:14: category 'intro': unknown key 'colour'",
        ),
        (
            (
                "          - slug: intro\n            title: Introduction\n",
                "          - slug: intro\n",
            ),
            r"taxonomy.yaml:11: category 'intro': missing required key 'title'",
        ),
        (
            ("            subjects: [mind]\n", "            subjects: [mnd]\n"),
            r"taxonomy.yaml:14: category 'intro': unknown subject 'mnd' in 'subjects'; did you mean 'mind'\?",
        ),
        (
            ("    reading_grade: 8\n", "    reading_grade: eight\n"),
            r"level 'year-7': 'reading_grade' must be a number",
        ),
        (("  - slug: year-7\n", "  - slug: Year 7\n"), r"slug must be lowercase"),
        (("levels:\n", "levels:\n  - [\n"), r"taxonomy.yaml:\d+: not valid YAML"),
        (
            ("    title: Mind\n", "    title: ''\n"),
            r"subject 'mind': 'title' must be a non-empty string",
        ),
    ],
)
def test_errors_name_file_entry_and_problem(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(TaxonomyError, match=expected):
        load_taxonomy(path)


def test_duplicate_slug_names_first_definition(tmp_path: Path) -> None:
    text = GOOD.replace(
        "      - slug: memory\n",
        "      - slug: memory\n        title: M\n        description: D\n      - slug: memory\n",
        1,
    )
    with pytest.raises(
        TaxonomyError, match=r"topic 'memory': duplicate slug \(first defined at line 20\)"
    ):
        load_taxonomy(write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="cannot read the taxonomy file"):
        load_taxonomy(tmp_path / "nope.yaml")
