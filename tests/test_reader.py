"""The page reader and front matter: read as MyST reads, lines as a contributor counts them."""

from __future__ import annotations

import pytest
import yaml

from tools.course import reader
from tools.course.frontmatter import STUB_TITLE, read_front_matter, safe_source
from tools.course.gate import gate_bytes, gate_text
from tools.course.glossary import page_terms

FRONT = "---\ncategory: junior-basics\nsummary: A page.\n---\n\n# Title\n\n"


def lines_of(text: str, needle: str) -> list[int]:
    """1-based lines (LF, CR or CRLF) that contain *needle*."""
    return [n for n, line in enumerate(reader.split_lines(text), start=1) if needle in line]


def codes(text: str) -> list[tuple[int, str]]:
    return [(p.line, p.code) for p in gate_text(text).problems]


# -- code is opaque, directives are read, as MyST reads them ---------------------------


def test_a_code_block_with_a_language_does_not_hide_the_rest_of_the_page() -> None:
    text = FRONT + "```python\nx = 1\n```\n\n<script>alert(1)</script>\n\nA {term}`memry`.\n"
    page = reader.parse(text)
    assert [h.text for h in page.headings] == ["Title"]
    assert [(r.name, r.content, r.line) for r in page.roles] == [
        ("term", "memry", lines_of(text, "memry")[0])
    ]
    assert [h.line for h in page.html] == lines_of(text, "<script>")


@pytest.mark.parametrize(
    "code",
    [
        "    <div>indented</div>\n    {term}`x`\n",
        "```\n<div>bare</div>\n```\n",
        "~~~python\n<div>tilde</div>\n~~~\n",
        "````markdown\n```{raw} html\n<div>nested</div>\n```\n````\n",
        "Inline `<div>` and ``{term}`x` ``.\n",
        "Escaped \\<div> and &lt;div>.\n",
    ],
    ids=["indented", "bare-fence", "tilde-fence", "nested-fence", "inline-code", "escaped"],
)
def test_nothing_inside_code_is_html_a_role_or_a_directive(code: str) -> None:
    page = reader.parse(FRONT + code)
    assert page.html == [] and page.roles == [] and page.directives == []
    assert gate_text(FRONT + code).published


def test_directive_bodies_are_read_with_their_own_lines() -> None:
    text = FRONT + (
        "~~~{note} First {term}`a`\n"
        "Then {term}`b`.\n"
        "~~~\n\n"
        "::::{instructor-note}\n"
        ":not-an-option: {term}`c`\n\n"
        ":::{answer}\n"
        "[x](javascript:alert(1))\n"
        ":::\n"
        "::::\n\n"
        ":::{admonition} A {term}`d`\n"
        ":class: tip\n\n"
        "<b>bold</b>\n"
        ":::\n"
    )
    page = reader.parse(text)
    assert {r.content: r.line for r in page.roles} == {
        name: lines_of(text, f"`{name}`")[0] for name in "abcd"
    }
    assert [(d.name, d.line) for d in page.directives] == [
        (name, lines_of(text, "{" + name + "}")[0])
        for name in ("note", "instructor-note", "answer", "admonition")
    ]
    admonition = page.directives[-1]
    assert admonition.options == {"class": "tip"}
    assert admonition.option_lines == {"class": lines_of(text, ":class:")[0]}
    assert [h.line for h in page.html] == lines_of(text, "<b>")
    assert [(link.url, link.line, link.refused) for link in page.links] == [
        ("javascript:alert(1)", lines_of(text, "javascript")[0], True)
    ]
    assert [r.within for r in page.roles if r.content == "c"] == [("instructor-note",)]


def test_links_images_and_autolinks_carry_their_lines() -> None:
    text = FRONT + (
        "One [a](https://a.example) and\n"
        "two ![alt text](pic.png) and\n"
        "three <https://b.example> and <javascript:alert(1)>.\n"
    )
    page = reader.parse(text)
    assert [(link.kind, link.url, link.line) for link in page.links] == [
        ("link", "https://a.example", lines_of(text, "One")[0]),
        ("image", "pic.png", lines_of(text, "two")[0]),
        ("autolink", "https://b.example", lines_of(text, "three")[0]),
        ("link", "javascript:alert(1)", lines_of(text, "three")[0]),
    ]
    assert page.links[1].alt == "alt text"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_line_numbers_survive_any_newline_and_u2028_in_the_body(newline: str) -> None:
    text = (FRONT + "Para\u2028graph one.\n\nA {term}`x` here.\n").replace("\n", newline)
    page = reader.parse(text)
    assert [r.line for r in page.roles] == lines_of(text, "{term}") == [FRONT.count("\n") + 3]


def test_a_big_page_is_read_once_and_to_the_end() -> None:
    paragraph = "Plain words in a sentence, " * 30 + "\n\n"
    text = FRONT + paragraph * (150_000 // len(paragraph)) + "Last {term}`one`.\n"
    page = reader.parse(text)
    assert page.problems == []
    assert [r.line for r in page.roles] == lines_of(text, "Last")


@pytest.mark.parametrize(
    "text",
    ["[a](b) " * 36_000, "{" * 250_000, "[\n" * 110_000],
    ids=["long-link-line", "braces", "brackets"],
)
def test_too_large_a_page_or_paragraph_is_refused_unread(text: str) -> None:
    result = gate_text(text)
    assert [p.code for p in result.problems] == ["SEC012"]
    assert not result.published
    assert STUB_TITLE in result.text


def test_hostile_paragraph_under_the_page_limit_is_refused() -> None:
    result = gate_text(FRONT + "[" * 12_000 + "\n")
    assert [(p.line, p.code) for p in result.problems] == [(FRONT.count("\n") + 1, "SEC012")]


def test_deep_nesting_is_refused() -> None:
    text = "".join(":" * (20 - i) + "{note}\n" for i in range(reader.MAX_DEPTH + 2)) + "x\n"
    assert "SEC012" in [c for _, c in codes(text)]


def test_not_utf8_is_a_problem_at_the_line_of_the_byte() -> None:
    data = FRONT.encode() + b"fine\n\ncaf\xe9 au lait\n"
    result = gate_bytes(data)
    assert [(p.line, p.code) for p in result.problems] == [(FRONT.count("\n") + 3, "SEC012")]
    assert "not UTF-8" in result.problems[0].message
    assert not result.published


# -- front matter: where MyST finds it, re-written from the allowlist, or fail closed ---


def test_safe_source_keeps_allowed_keys_on_their_lines() -> None:
    text = (
        "---\n"
        "category: junior-basics  # a comment\n"
        "topics:\n"
        "  - memory\n"
        "summary: 'Caf\u00e9, \U0001f600 and \"quotes\".'\n"
        "colour: red\n"
        "---\n\n# Title\n\nBody.\n"
    )
    safe, problems, fm = safe_source(text)
    assert [(p.line, p.code) for p in problems] == [(6, "FM002")]
    assert fm is not None and fm.lines == {"category": 2, "topics": 3, "summary": 5}
    assert reader.split_lines(safe)[7:] == reader.split_lines(text)[7:]
    again, problems = read_front_matter(safe)
    assert problems == [] and again is not None
    assert again.data == {
        "category": "junior-basics",
        "topics": ["memory"],
        "summary": 'Caf\u00e9, \U0001f600 and "quotes".',
    }
    assert again.lines == fm.lines


@pytest.mark.parametrize(
    "front",
    [
        "myst:\n  enable_extensions: [substitution]\n  substitutions:\n    x: 1\n",
        "substitutions:\n  x: '<script>'\n",
        "html_meta:\n  http-equiv=refresh: 0;url=https://evil.example/\n",
    ],
    ids=["myst", "substitutions", "html_meta"],
)
def test_parser_settings_never_reach_myst(front: str) -> None:
    text = "---\ncategory: junior-basics\n" + front + "---\n\n# Title\n"
    safe, problems, fm = safe_source(text)
    assert [(p.line, p.code) for p in problems] == [(3, "SEC001")]
    assert fm is not None and set(fm.data) == {"category"}
    assert set(yaml.safe_load(safe.split("---")[1])) == {"category"}
    assert not gate_text(text).published


def test_four_dashes_open_front_matter_for_myst_and_fail_closed() -> None:
    text = "----\nmyst:\n  substitutions:\n    x: '{{ 7 * 6 }}'\n----\n\n# Title\n\n{{ x }}\n"
    assert reader.find_front_matter(text) is not None  # MyST would apply it
    safe, problems, fm = safe_source(text)
    assert [(p.line, p.code) for p in problems] == [(1, "FM001"), (2, "SEC001")]
    assert fm is None
    assert "myst" not in safe and "{{" not in safe and STUB_TITLE in safe


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\ncategory: [x\n---\n# T\n", 2),
        ("---\ncategory: x\n\n# T\n", 1),
        ("---\ncategory: x\ncategory: y\n---\n# T\n", 3),
        ("---\n- a list\n---\n# T\n", 2),
        ("---\ncategory: x\u2028---\nmyst: {}\n---\n# T\n", 2),
        ("---\u00a0\ncategory: x\n---\n# T\n", 1),
        ("---\ncategory: x\n---- \nmyst: {}\n---\n# T\n", 3),
        ("---\n{category: x, summary: y}\n---\n# T\n", 2),
        ("---\n<<: {myst: {}}\n---\n# T\n", 2),
    ],
    ids=[
        "yaml-error",
        "unclosed",
        "duplicate-key",
        "not-a-mapping",
        "u2028",
        "nbsp-after-dashes",
        "second-dash-line",
        "flow-mapping",
        "merge-key",
    ],
)
def test_front_matter_that_cannot_be_read_unambiguously_fails_closed(text: str, line: int) -> None:
    safe, problems, fm = safe_source(text)
    assert (line, "FM001") in [(p.line, p.code) for p in problems]
    assert fm is None
    assert safe.startswith("# " + STUB_TITLE)
    assert "category" not in safe


# -- the glossary, read one way --------------------------------------------------------


def test_glossary_terms_and_definitions() -> None:
    text = (
        "# Glossary\n\n```{glossary}\n:sorted:\n\n"
        "first term\n  Its definition, with {term}`second term`.\n\n"
        "second term\nalias\n  Shared definition.\n```\n"
    )
    page = reader.parse(text)
    terms = page_terms(page)
    assert [(t.term, t.line) for t in terms] == [
        ("first term", 6),
        ("second term", 9),
        ("alias", 10),
    ]
    assert terms[0].definition.startswith("Its definition")
    assert terms[1].definition == terms[2].definition == "Shared definition."
    assert [(r.content, r.line) for r in page.roles] == [("second term", 7)]


def test_a_refused_reference_definition_is_reported_at_its_line() -> None:
    text = FRONT + "[Click][x]\n\n> [x]: javascript:alert(1)\n"
    assert codes(text) == [(lines_of(text, "[x]:")[0], "SEC005")]
