"""``course check``: one bad and one good page per rule, with code, file and line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import build, copy_root, warnings
from tools.course.checker import check_paths
from tools.course.scaffold import ScaffoldError, create_article
from tools.course.taxonomy import load_taxonomy

GOOD = """\
---
category: junior-basics
topics: [memory]
related: [remembering]
summary: A good page about remembering.
---

# Good Page

Text with {term}`memory`, {cite:p}`atkinson1968`, {article}`remembering` and {category}`junior-basics`.

## A section

![A diagram of memory](diagram.png)

```{graphviz}
:alt: Two boxes joined by an arrow.

digraph { a -> b }
```
"""

LONG_WINDED = (
    "Notwithstanding the considerable methodological heterogeneity characterising contemporary "
    "investigations, researchers have increasingly conceptualised mnemonic representations as "
    "dynamically reconstructed phenomena, substantially influenced by contextual, motivational "
    "and sociocultural determinants operating simultaneously across developmental trajectories. "
)

# code -> (old text, new text, expected line); old text "" means "append new text".
CASES: dict[str, tuple[str, str, int]] = {
    "FM001": ("topics: [memory]", "topics: [memory", 3),
    "FM002": ("topics: [memory]", "topics: [memory]\ncolour: red", 4),
    "FM003": ("summary: A good page about remembering.", "summary: [a, list]", 5),
    "FM004": ("summary: A good page about remembering.\n", "", 1),
    "FM005": ("category: junior-basics", "category: junior-basic", 2),
    "FM006": ("topics: [memory]", "topics: [memry]", 3),
    "FM007": ("related: [remembering]", "related: [remembrin]", 4),
    "FM008": ("summary: A good page about remembering.", "summary: " + "Far too long. " * 20, 5),
    "DUP001": ("# Good Page", "# Remembering Things", 8),
    "HD001": ("## A section", "# A second title", 12),
    "HD002": ("## A section", "### A skipped level", 12),
    "REF001": ("{article}`remembering`", "{article}`remembrin`", 10),
    "REF002": ("{term}`memory`", "{term}`memry`", 10),
    "REF003": ("{cite:p}`atkinson1968`", "{cite:p}`atkinson1969`", 10),
    "IMG001": ("(diagram.png)", "(missing.png)", 14),
    "IMG002": ("![A diagram of memory]", "![]", 14),
    "SEC001": (
        "topics: [memory]",
        "topics: [memory]\nmyst:\n  enable_extensions: [substitution]",
        4,
    ),
    "SEC002": ("## A section", "## A section\n\n<script>alert(1)</script>", 14),
    "SEC003": ("", "\n```{raw} html\n<b>x</b>\n```\n", 22),
    "SEC004": ("", "\n```{include} ../../conf.py\n```\n", 22),
    "SEC005": ("## A section", "## A section\n\n[click](javascript:alert(1))", 14),
    "SEC006": ("", "\n```{eval-rst}\n.. raw:: html\n\n   <b>x</b>\n```\n", 22),
    "SEC007": ("digraph { a -> b }", 'digraph { a [image="/etc/passwd"] }', 19),
    "RD001": ("## A section", LONG_WINDED * 6 + "\n\n## A section", 8),
}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    src = copy_root(tmp_path, "course")
    (src / "articles" / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return src


def check(docs: Path, text: str, name: str = "page.md") -> list:
    path = docs / "articles" / name
    path.write_text(text, encoding="utf-8")
    return check_paths([path], docs, load_taxonomy(docs / "taxonomy.yaml"))


def test_good_page_has_no_findings(docs: Path) -> None:
    assert [f.code for f in check(docs, GOOD)] == []


@pytest.mark.parametrize("code", list(CASES))
def test_each_rule_reports_code_file_and_line(docs: Path, code: str) -> None:
    old, new, line = CASES[code]
    bad = GOOD + new if not old else GOOD.replace(old, new, 1)
    assert bad != GOOD
    findings = [f for f in check(docs, bad) if f.code == code]
    assert findings, f"{code} not reported"
    assert findings[0].line == line, findings[0]
    assert findings[0].path.name == "page.md"
    expected = "warning" if code == "RD001" else "error"
    assert findings[0].severity == expected


def test_file_name_must_be_a_slug(docs: Path) -> None:
    assert [f.code for f in check(docs, GOOD, "Bad_Name.md")] == ["SLUG001"]


def test_near_miss_gets_a_suggestion(docs: Path) -> None:
    findings = check(docs, GOOD.replace("category: junior-basics", "category: junior-basic"))
    assert "did you mean 'junior-basics'" in findings[0].message


def cli(*args: str, docs: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``course`` as a contributor would; *docs* points it at a test site."""
    site = ["--docs", str(docs), "--taxonomy", str(docs / "taxonomy.yaml")] if docs else []
    command = [sys.executable, "-m", "tools.cli", args[0], *site, *args[1:]]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_cli_output_and_exit_codes(docs: Path) -> None:
    page = docs / "articles" / "page.md"
    page.write_text(
        GOOD.replace("category: junior-basics", "category: junior-basic"), encoding="utf-8"
    )
    taxonomy_check = cli("check", str(page), docs=docs)
    assert taxonomy_check.returncode == 1
    assert (
        f"{page}:2:1: FM005 'category': unknown course category 'junior-basic'"
        in taxonomy_check.stdout
    )


def test_cli_github_annotations(docs: Path) -> None:
    page = docs / "articles" / "page.md"
    page.write_text(GOOD.replace("{term}`memory`", "{term}`memry`"), encoding="utf-8")
    out = cli("check", "--format", "github", str(page), docs=docs).stdout.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("::error file=")
    assert f"{page.name},line=10,col=" in out[0]
    assert ",title=REF002::{term} 'memry' is not in the glossary" in out[0]


def test_warnings_alone_exit_zero(docs: Path) -> None:
    page = docs / "articles" / "page.md"
    page.write_text(
        GOOD.replace("## A section", LONG_WINDED * 6 + "\n\n## A section"), encoding="utf-8"
    )
    done = cli("check", str(page), docs=docs)
    assert "RD001" in done.stdout
    assert done.returncode == 0


def test_whole_docs_checks_clean() -> None:
    """The starter course passes (its time is printed by `course check`, not asserted)."""
    done = cli("check")
    assert done.returncode == 0, done.stdout


def test_scaffold_guidance_is_an_error_at_its_line_until_replaced(docs: Path) -> None:
    taxonomy = load_taxonomy(docs / "taxonomy.yaml")
    path = create_article(docs, taxonomy, "How We Forget Things", "junior-basics")
    assert path.name == "how-we-forget-things.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    errors = [f for f in check_paths([path], docs, taxonomy) if f.severity == "error"]
    assert errors and {f.code for f in errors} == {"SK001"}
    for finding in errors:
        quoted = finding.message.split("'")[1]
        assert quoted.split()[0] in lines[finding.line - 1], finding
    summary = next(f for f in errors if "what this article covers" in f.message)
    assert lines[summary.line - 1].startswith("summary:")
    # Replaced by the contributor's own words (re-wrapped or not): the page passes.
    flagged = {f.line for f in errors} - {summary.line}
    own = [line for n, line in enumerate(lines, 1) if n not in flagged]
    text = "\n".join(own).replace(lines[summary.line - 1], "summary: Why memories fade.")
    text = text.replace("objectives:", "objectives:\n  - Explain decay and interference.")
    text = text.replace("::::{question}", "::::{question}\nWhy do we forget?")
    text = text.replace(":::{answer}", ":::{answer}\nDecay and interference.")
    text = text.replace(":::{instructor-note}", ":::{instructor-note}\nAsk for an example.")
    path.write_text(text, encoding="utf-8")
    assert [f for f in check_paths([path], docs, taxonomy) if f.severity == "error"] == []


def test_scaffold_refuses_unknown_category_and_existing_slug(docs: Path) -> None:
    taxonomy = load_taxonomy(docs / "taxonomy.yaml")
    with pytest.raises(ScaffoldError, match="did you mean 'junior-basics'"):
        create_article(docs, taxonomy, "Anything", "junior-basic")
    with pytest.raises(ScaffoldError, match="slug 'remembering' already exists"):
        create_article(docs, taxonomy, "Remembering", "junior-basics")


def test_a_role_wrapped_onto_the_next_line_is_still_checked(docs: Path) -> None:
    wrapped = GOOD.replace("{term}`memory`", "{term}`working\nmemry`")
    findings = [f for f in check(docs, wrapped) if f.code == "REF002"]
    assert [f.line for f in findings] == [10]
    assert findings[0].message.startswith("{term} 'working memry' is not in the glossary")


# -- one reading: check reads as the build reads ------------------------------------------

BASE = (
    "---\ncategory: junior-basics\nsummary: A page for the parity corpus.\n---\n\n"
    "# {title}\n\nWe use {{term}}`memory` and read {{article}}`remembering`.\n\n{body}"
)

#: name -> page body; each page is checked and built, and both must agree.
PARITY: dict[str, str] = {
    "clean": "Nothing more to say.\n",
    "code-then-script": "```python\nx = 1\n```\n\n<script>alert(1)</script>\n\nA {term}`memry`.\n",
    "indented-div": "Code:\n\n    <div>indented</div>\n    {term}`nothing`\n",
    "tilde-fences": "~~~{note}\nA {term}`memory` note.\n~~~\n\n~~~python\n<script>\n~~~\n",
    "nested-fences": "````{note}\n```text\n<div>{term}`x`</div>\n```\n````\n",
    "misspelt-term": "The {term}`memry` of it.\n",
    "skipped-level": "### Too deep\n\nText.\n",
    "js-link": "[click](javascript:alert(1))\n",
    "download-outside": "{download}`the settings </../conf.py>`\n",
    "unknown-directive": "```{foo}\nbar\n```\n",
    "raw-directive": "```{raw} html\n<b>x</b>\n```\n",
}
RAW_PAGES = {
    "four-dashes": "----\ncategory: junior-basics\nmyst:\n  substitutions:\n    x: 1\n----\n\n# Dashes\n\n{{ x }}\n",
    "yaml-error": "---\ncategory: [junior-basics\n---\n\n# Broken\n",
}
_WARNING = re.compile(r"^(?P<path>\S+?\.md)(?::(?P<line>\d+))?: (?:WARNING|ERROR|CRITICAL)", re.M)


def parity_pages() -> dict[str, str]:
    pages = {
        name: BASE.format(title=name.replace("-", " ").title(), body=body)
        for name, body in PARITY.items()
    }
    return {**pages, **RAW_PAGES}


def test_check_and_strict_build_agree_page_by_page(make_app: Any, tmp_path: Path) -> None:
    pages = parity_pages()
    src = copy_root(tmp_path, "course", files={f"articles/{n}.md": t for n, t in pages.items()})
    (src / "conf.py").write_text((src / "conf.py").read_text() + "\nnitpicky = True\n")
    app = build(make_app, src)
    built: dict[str, set[int | None]] = {name: set() for name in pages}
    for match in _WARNING.finditer(re.sub(r"\x1b\[[0-9;]*m", "", warnings(app))):
        name = Path(match["path"]).stem
        if name in built and Path(match["path"]).parent.name == "articles":
            built[name].add(int(match["line"]) if match["line"] else None)
    taxonomy = load_taxonomy(src / "taxonomy.yaml")
    findings = check_paths([src / "articles" / f"{n}.md" for n in pages], src, taxonomy)
    for name in pages:
        errors = {f.line for f in findings if f.path.stem == name and f.severity == "error"}
        assert bool(errors) == bool(built[name]), (name, errors, built[name], warnings(app))
        assert {line for line in built[name] if line is not None} <= errors, (name, warnings(app))
    assert "clean" in pages and not built["clean"]


def test_code_block_with_a_language_hides_nothing(docs: Path) -> None:
    page = GOOD.replace(
        "## A section", "```python\nx = 1\n```\n\n<script>alert(1)</script>\n\n{term}`memry`"
    )
    findings = [(f.line, f.code) for f in check(docs, page)]
    assert (16, "SEC002") in findings
    assert (18, "REF002") in findings
    assert "HD001" not in [code for _, code in findings]


def test_html_in_an_indented_code_block_is_not_raw_html(docs: Path) -> None:
    page = GOOD.replace("## A section", "## A section\n\n    <div>code</div>")
    assert [f.code for f in check(docs, page)] == []


def test_download_outside_docs_is_an_error(docs: Path) -> None:
    page = GOOD.replace("## A section", "{download}`x </../conf/conf.py>`\n\n## A section")
    findings = [(f.line, f.code) for f in check(docs, page)]
    assert (12, "SEC011") in findings


def test_an_unreadable_page_is_reported_not_raised(docs: Path) -> None:
    path = docs / "articles" / "page.md"
    path.write_bytes(GOOD.encode().replace(b"Text with", b"Text \xff with"))
    findings = check_paths([path], docs, load_taxonomy(docs / "taxonomy.yaml"))
    assert [(f.line, f.code) for f in findings] == [(10, "SEC012")]
    assert "not UTF-8" in findings[0].message


def test_a_link_to_a_file_outside_docs_is_a_download_and_an_error(docs: Path) -> None:
    page = GOOD.replace("## A section", "[settings](../../conf.py)\n\n## A section")
    (docs.parent / "conf.py").write_text("SECRET = 1\n")
    assert (12, "SEC011") in [(f.line, f.code) for f in check(docs, page)]


def test_pages_must_be_markdown(docs: Path) -> None:
    (docs / "about.rst").write_text("About\n=====\n\n.. raw:: html\n\n   <script></script>\n")
    findings = check_paths([docs], docs, load_taxonomy(docs / "taxonomy.yaml"))
    assert [(f.path.name, f.code) for f in findings if f.path.suffix == ".rst"] == [
        ("about.rst", "SEC012")
    ]


def test_a_check_with_a_cache_reads_again_only_the_pages_that_changed(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As ruff and mypy do: an unchanged page keeps its result while nothing it is
    # checked against changed; the findings are always those of a check without one.
    from tools.course import checker

    cache = tmp_path / "build" / "course-check.pickle"
    taxonomy = load_taxonomy(docs / "taxonomy.yaml")
    read: list[str] = []
    check_page = checker.check_page
    monkeypatch.setattr(
        checker, "check_page", lambda site, path: read.append(path.name) or check_page(site, path)
    )
    everything = sorted(p.name for p in docs.rglob("*.md"))

    def again() -> list[str]:
        read.clear()
        cached = check_paths([docs], docs, taxonomy, jobs=1, cache=cache)
        assert cached == check_paths([docs], docs, taxonomy, jobs=1)
        return sorted(read[: len(read) - len(everything)])  # the second check reads all

    assert again() == everything
    assert again() == []
    page = docs / "articles" / "remembering.md"
    page.write_text(page.read_text() + "\nSee {term}`workign memory`.\n", encoding="utf-8")
    assert again() == ["remembering.md"]
    assert "REF002" in {f.code for f in check_paths([page], docs, taxonomy, cache=cache)}
    # What pages are checked against: the bibliography (a file beside the pages), the
    # taxonomy, the glossary's terms. Each change reads every page again.
    for changed, old, new in (
        ("references.bib", "}", "}\n"),
        ("taxonomy.yaml", "title:", "title: "),
        ("glossary.md", "\n", "\n\n"),
    ):
        file = docs / changed
        file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        taxonomy = load_taxonomy(docs / "taxonomy.yaml")
        assert again() == everything, changed
