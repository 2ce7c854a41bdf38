"""A missing citation key: a suggestion only when one is close, else how to add it (issue 15, item 13)."""

from __future__ import annotations

from pathlib import Path

from helpers import copy_root
from tools.course.checker import check_paths
from tools.course.suggest import nearest_citation
from tools.course.taxonomy import load_taxonomy

PAGE = """\
---
category: junior-basics
summary: A page about memory.
---

# Cited Page

Levels of processing {cite:p}`{key}`.
"""

BIB = "\n@book{janis1972,\n  author = {Janis, Irving L.},\n  year = {1972},\n  title = {Victims of groupthink},\n  publisher = {Houghton Mifflin}\n}\n"


def ref003(tmp_path: Path, key: str) -> str:
    docs = copy_root(tmp_path, "course")
    with (docs / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(BIB)
    page = docs / "articles" / "cited.md"
    page.write_text(PAGE.replace("{key}", key), encoding="utf-8")
    findings = [f for f in check_paths([page], docs, load_taxonomy(docs / "taxonomy.yaml"))]
    [found] = [f for f in findings if f.code == "REF003"]
    assert found.line == 8
    return found.message


def test_an_unrelated_key_with_the_same_year_is_not_suggested(tmp_path: Path) -> None:
    message = ref003(tmp_path, "craik1972")
    assert "janis1972" not in message and "did you mean" not in message
    assert "docs/references.bib" in message
    assert "@article{craik1972," in message and "year = {1972}" in message


def test_a_typo_in_the_name_or_year_is_still_suggested(tmp_path: Path) -> None:
    assert "did you mean 'atkinson1968'?" in ref003(tmp_path, "atkinsen1968")
    assert nearest_citation("atkinson1969", ["atkinson1968", "janis1972"]) == ["atkinson1968"]
    assert nearest_citation("craik1972", ["janis1972", "clark1972"]) == []
