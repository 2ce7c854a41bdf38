"""A slug under the wrong key names the right key; CONTRIBUTING shows `course list` (issue 15, item 14)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from helpers import copy_root
from tools.course.checker import check_paths
from tools.course.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent

PAGE = """\
---
category: {category}
topics: [{topics}]
summary: A page about memory.
---

# Keyed Page

Text.
"""


def findings(tmp_path: Path, category: str, topics: str) -> list[tuple[int, str, str]]:
    docs = copy_root(tmp_path, "course")
    page = docs / "articles" / "keyed.md"
    page.write_text(PAGE.format(category=category, topics=topics), encoding="utf-8")
    found = check_paths([page], docs, load_taxonomy(docs / "taxonomy.yaml"))
    return [(f.line, f.code, f.message) for f in found if f.code in {"FM005", "FM006"}]


def test_a_topic_slug_in_category_says_it_belongs_in_topics(tmp_path: Path) -> None:
    [(line, code, message)] = findings(tmp_path, "memory", "attention")
    assert (line, code) == (2, "FM005")
    assert "'memory' is a topic category" in message and "belongs in 'topics'" in message


def test_a_category_slug_in_topics_says_it_belongs_in_category(tmp_path: Path) -> None:
    [(line, code, message)] = findings(tmp_path, "junior-basics", "memory, junior-growing")
    assert (line, code) == (3, "FM006")
    assert "'junior-growing' is a course category" in message
    assert "belongs in 'category'" in message


def test_contributing_shows_what_course_list_prints() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "tools.cli", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    shown = re.search(r"course list\n```\n\n```text\n(.*?)```", guide, re.S)
    assert shown is not None

    # Article counts change as pages are added; the layout and the slugs must not.
    def shape(line: str) -> str:
        return re.sub(r"^(\s+\S+)\s+\d+\s+", r"\1 <n> ", line)

    printed = [shape(line) for line in printed]
    lines = [shape(line) for line in shown.group(1).splitlines() if line != "..."]
    assert lines[0] == printed[0]
    for line in lines:
        assert line in printed, line
    headings = [line for line in printed if line.endswith("):")]
    assert headings == [line for line in lines if line.endswith("):")]
    assert "shows only" not in guide.split("Topic slugs are listed", 1)[1].split("\n-", 1)[0]
