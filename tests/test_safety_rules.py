"""The allowlists of tools/course/safety.py, one function at a time, with every known bypass."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tools.course.safety import (
    ALLOWED_DIRECTIVES,
    bib_problems,
    directive_problems,
    download_problem,
    math_problems,
    normalize_url,
    role_problems,
    sanitize_dot,
    svg_problems,
    url_problem,
)
from tools.extensions.mathml import to_mathml

SAFE_DOT = Path(__file__).resolve().parent.parent / "tools" / "extensions" / "safe_dot.sh"

# -- URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "\x01javascript:alert(1)",  # a C0 control browsers strip first
        " \x00\x1fjavascript:alert(1)",
        "java\tscript:alert(1)",  # tab, CR and LF are removed anywhere
        "java\nscr\ript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "javascript://%0Aalert()",  # the toctree form: looks like a URL with a host
        "&#106;avascript:alert(1)",  # decoded later by something that reads entities
        "&#x6A;avascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
def test_script_and_file_urls_are_refused(url: str) -> None:
    problem = url_problem(url)
    assert problem is not None
    assert "allowed: http(s)://, mailto: or a relative link" in problem


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a?b#c",
        "http://example.org",
        "mailto:a@example.org",
        "../x.html",
        "#top",
        "",
    ],
)
def test_web_mail_and_relative_links_are_allowed(url: str) -> None:
    assert url_problem(url) is None


def test_normalize_url_reads_as_a_browser_does() -> None:
    assert normalize_url("\x01 JAVA\tSCRIPT:Alert(1) \x02") == "javascript:Alert(1)"
    assert normalize_url("HTTPS://Example.org/A") == "https://Example.org/A"


@pytest.mark.parametrize("kind", ["image", "download"])
def test_images_and_downloads_must_be_files_in_docs(kind: str) -> None:
    assert url_problem("pictures/a.png", kind=kind) is None
    for remote in ("https://example.org/a.png", "//example.org/a.png", "\x01data:image/png,x"):
        problem = url_problem(remote, kind=kind)
        assert problem is not None and "relative paths to files in docs/" in problem


# -- Downloads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["page.html", "x.HTM", "a.xhtml", "pic.svg", "data.xml", "code.js", "m.mjs", "noext"]
)
def test_active_content_is_not_offered_for_download(target: str) -> None:
    problem = download_problem(target)
    assert problem is not None and "allowed: " in problem and "pdf" in problem


@pytest.mark.parametrize("target", ["sheet.pdf", "files/data.CSV", "notes.docx", "pic.png"])
def test_documents_and_data_are_offered(target: str) -> None:
    assert download_problem(target) is None


# -- Maths ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{a}{b} + \sqrt{x^2} = \alpha_i",
        r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}",
        r"\left( \sum_{i=1}^{n} x_i \right) \leq \int_0^1 f(x)\,dx",
        r"\text{mean} = \bar{x}, \; 50\%",
        r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
    ],
)
def test_ordinary_maths_is_allowed(tex: str) -> None:
    assert math_problems(tex) == []


@pytest.mark.parametrize(
    "tex, command",
    [
        (r"\input{/etc/hostname}", r"\input"),
        (r"\openin5=/etc/passwd \read5 to\x", r"\openin"),
        (r"\readline", r"\readline"),
        (r"\immediate\write18{id}", r"\immediate"),
        (r"\csname input\endcsname", r"\csname"),
        (r"\catcode`\^=7", r"\catcode"),
        (r"\def\x{1}", r"\def"),
        (r"\let\x\y", r"\let"),
        (r"\makeatletter", r"\makeatletter"),
        (r"\@input{x}", "\\@"),
        (r"\include{x}", r"\include"),
        (r"\includegraphics{/etc/x.png}", r"\includegraphics"),
        (r"\special{x}", r"\special"),
        (r"\href{javascript:alert(1)}{x}", r"\href"),
        (r"\url{file:///etc/passwd}", r"\url"),
        (r"\style{position:fixed}{x}", r"\style"),
        (r"\class{x}{y}", r"\class"),
        (r"\cssId{x}{y}", r"\cssId"),
        (r"\require{html}", r"\require"),
        (r"\newcommand{\x}{y}", r"\newcommand"),
    ],
)
def test_commands_that_read_write_define_or_link_are_refused(tex: str, command: str) -> None:
    problems = math_problems(tex)
    assert f"'{command}' is not an allowed maths command" in problems


def test_tex_escapes_comments_and_braces_are_refused() -> None:
    assert any("'^^'" in p for p in math_problems(r"^^5cinput{x}"))
    assert any("bare '%'" in p for p in math_problems("x % hidden"))
    assert any("bare '#'" in p for p in math_problems("#1"))
    assert any("never closed" in p for p in math_problems(r"\frac{a}{b"))
    assert any("closes nothing" in p for p in math_problems("a}"))
    assert any("environment" in p for p in math_problems(r"\begin{document}x\end{document}"))


# -- Graphviz ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attribute",
    [
        'URL="javascript:alert(1)"',
        '"URL"="javascript:alert(1)"',  # quoted name
        '"UR"+"L"="javascript:alert(1)"',  # concatenated name
        'href="javascript:alert(1)"',
        'edgeURL="javascript:alert(1)"',
        'labelURL="javascript:alert(1)"',
        'headURL="javascript:alert(1)"',
        'image="/etc/passwd"',
        'imagepath="/etc"',
        'fontpath="/etc"',
        'shapefile="/etc/passwd"',
        'stylesheet="https://evil.example/x.css"',
        'id="x"',
    ],
)
def test_dot_keeps_only_listed_attributes(attribute: str) -> None:
    code, problems = sanitize_dot(f"digraph {{ a -> b [{attribute}, label=kept] }}")
    assert problems and "was dropped" in problems[0]
    lowered = code.lower()
    for word in ("url", "href", "javascript", "/etc", "image", "evil"):
        assert word not in lowered
    assert 'label="kept"' in code  # the diagram is still drawn


def test_dot_attributes_on_defaults_graphs_and_edge_subgraphs_are_checked() -> None:
    code, problems = sanitize_dot(
        "digraph { graph [URL=x]; node [href=y]; edge [edgeURL=z]; "
        'subgraph cluster_a { URL="q"; a } b -> { c [href="w"] } }'
    )
    assert len(problems) == 5
    assert "URL" not in code and "href" not in code


def test_html_labels_may_not_embed_images() -> None:
    code, problems = sanitize_dot('digraph { a [label=<<IMG SRC="/etc/hostname.png"/>>] }')
    assert any("<IMG>" in p for p in problems)
    assert "IMG" not in code and "/etc" not in code
    code, problems = sanitize_dot(
        'digraph { a [label=<<TABLE><TR><TD HREF="javascript:x">b</TD></TR></TABLE>>] }'
    )
    assert problems and "javascript" not in code
    code, problems = sanitize_dot("digraph { a [label=<<B>bold</B>&amp;<BR/>next>] }")
    assert problems == [] and "<B>bold</B>" in code


def test_html_labels_are_rewritten_from_their_parse() -> None:
    """Only markup brackets reach dot: text and values are escaped again, the same for any reader."""
    code, problems = sanitize_dot('digraph { a [label=<a &gt; b<BR/><FONT COLOR="red">c</FONT>>] }')
    assert problems == []
    assert 'label=<a &gt; b<BR></BR><FONT COLOR="red">c</FONT>>' in code


def test_dot_size_and_resolution_are_capped() -> None:
    code, problems = sanitize_dot('digraph { size="1000,1000"; dpi=10000; a [width=5000] }')
    assert len(problems) == 3
    assert 'size="20,20"' in code and "1000" not in code and "5000" not in code


def test_dot_values_cannot_break_out_of_their_quotes() -> None:
    """A value holding quotes and brackets is written back quoted: it stays one value."""
    code, problems = sanitize_dot(
        r'digraph { a [label="x\" ] [URL=\"javascript:alert(1)\"", color=red] }'
    )
    assert problems == []
    assert 'label="x\\" ] [URL=\\"javascript:alert(1)\\""' in code
    assert sanitize_dot(code) == (code, [])  # what dot is given reads back the same


@pytest.mark.parametrize(
    "code",
    [
        # graphviz reads \\" as a backslash and an escaped quote: the string goes on,
        # so what looks like DOT after it is inside the name (and never closed).
        'digraph { "a\\\\" [label=" -> b [URL=\\"javascript:alert(1)\\"]"] }',
        'digraph { b -> "c\\\\":s }',
        'digraph "g\\\\" { a }',
    ],
)
def test_dot_is_read_as_graphviz_reads_it(code: str) -> None:
    safe, problems = sanitize_dot(code)
    assert safe == ""
    assert "could not be read" in problems[0]


def test_a_backslash_in_a_name_is_kept_for_dot_escapes() -> None:
    code, problems = sanitize_dot('digraph { "Carer\\n(secure base)" -> child }')
    assert problems == []
    assert '"Carer\\n(secure base)" -> "child";' in code


def test_html_like_names_are_refused() -> None:
    safe, problems = sanitize_dot("digraph { <b>x</b> -> y }")
    assert safe == "" and "may not be an HTML-like string" in problems[0]


@pytest.mark.parametrize("code", ["digraph { a -> }", "", "digraph {} digraph {}", "not dot"])
def test_unreadable_dot_is_refused_whole(code: str) -> None:
    safe, problems = sanitize_dot(code)
    assert safe == ""
    assert problems and "could not be read" in problems[0]


def test_the_dot_wrapper_stops_a_bomb(tmp_path: Path) -> None:
    out = tmp_path / "bomb.png"
    done = subprocess.run(
        [str(SAFE_DOT), "-Tpng", f"-o{out}"],
        input=b'digraph { dpi=20000; size="500,500!"; a -> b }',
        capture_output=True,
        check=False,
    )
    assert done.returncode != 0
    assert not out.exists() or out.stat().st_size < 64 * 1024 * 1024
    ok = tmp_path / "ok.png"
    subprocess.run([str(SAFE_DOT), "-Tpng", f"-o{ok}"], input=b"digraph { a -> b }", check=True)
    assert ok.read_bytes().startswith(b"\x89PNG")


# -- SVG ----------------------------------------------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


@pytest.mark.parametrize(
    "inner, expected",
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<rect onload="alert(1)"/>', "'onload'"),
        ("<foreignObject><div/></foreignObject>", "<foreignObject>"),
        ('<a href="javascript:alert(1)"><rect/></a>', "<a>"),
        ('<use href="https://evil.example/x.svg#a"/>', "only #id"),
        ('<use xlink:href="data:image/svg+xml,x"/>', "only #id"),
        ('<image href="/etc/x.png"/>', "<image>"),
        ("<style>@import url(https://evil.example/x.css)</style>", "<style>"),
        ('<rect style="fill:url(https://evil.example/x)"/>', "url()"),
        ('<rect fill="url(https://evil.example/x)"/>', "url()"),
    ],
)
def test_svg_with_script_handlers_or_outside_references_is_refused(
    inner: str, expected: str
) -> None:
    problems = svg_problems(SVG.format(inner).encode())
    assert any(expected in p for p in problems), problems


def test_plain_svg_is_allowed() -> None:
    inner = (
        '<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>'
        '<rect width="10" height="10" fill="url(#g)"/><use xlink:href="#g"/><text x="1">Hi</text>'
    )
    assert svg_problems(SVG.format(inner).encode()) == []


def test_svg_with_entities_is_refused() -> None:
    data = b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>'
    assert svg_problems(data) and "could not be read safely" in svg_problems(data)[0]


# -- Bibliography -----------------------------------------------------------------------------------


def test_bibliography_links_are_checked_at_their_entry(tmp_path: Path) -> None:
    bib = tmp_path / "references.bib"
    bib.write_text(
        "@book{good2020,\n  title = {Good},\n  url = {https://example.org},\n  doi = {10.1/x},\n}\n\n"
        "@misc{evil2021,\n  title = {Evil},\n  url = {\x01javascript:alert(1)},\n}\n"
        "@misc{evil2022,\n  title = {Evil},\n  howpublished = {\\url{javascript:alert(2)}},\n}\n",
        encoding="utf-8",
    )
    problems = bib_problems(bib)
    assert [line for line, _ in problems] == [7, 11]
    assert "evil2021: field 'url': javascript: URLs are not allowed" in problems[0][1]
    assert "evil2022: field 'howpublished'" in problems[1][1]


# -- Directives and roles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["raw", "include", "literalinclude", "eval-rst", "meta", "code-cell", "digraph"]
)
def test_directives_not_on_the_list_are_refused(name: str) -> None:
    ((offset, message),) = directive_problems(name, "", {}, "")
    assert offset == 0 and f"{{{name}}} is not allowed" in message


def test_toctree_is_for_generated_pages_only() -> None:
    assert "only on generated pages" in directive_problems("toctree", "", {}, "a")[0][1]
    assert directive_problems("toctree", "", {"hidden": ""}, "a", generated=True) == []
    assert directive_problems("course-overview", "category x", {}, "", generated=True) == []


def test_the_site_uses_only_listed_directives() -> None:
    used = {"question", "answer", "instructor-note", "bibliography", "glossary", "graphviz"}
    used |= {"course-search", "course-toctree", "grid", "grid-item-card"}
    assert used <= ALLOWED_DIRECTIVES


@pytest.mark.parametrize(
    "name, args, options, expected",
    [
        ("math", "", {"nowrap": ""}, ":nowrap: is not allowed"),
        ("csv-table", "T", {"file": "/etc/passwd"}, ":file: is not allowed"),
        ("csv-table", "T", {"url": "https://x"}, ":url: is not allowed"),
        ("graphviz", "", {"graphviz_dot": "/bin/sh"}, ":graphviz_dot: is not allowed"),
        ("graphviz", "/etc/passwd", {}, "file arguments are not allowed"),
        ("bibliography", "", {"filter": "True"}, ":filter: is not allowed"),
        ("figure", "a.png", {"target": "\x01javascript:alert(1)"}, "javascript: URLs"),
        ("grid-item-card", "", {"link": "\x01javascript:alert(1)"}, "javascript: URLs"),
        ("card", "", {"img-top": "https://evil.example/a.png"}, "not a file in docs/"),
        ("button-link", "javascript:alert(1)", {}, "javascript: URLs"),
        ("image", "\x01javascript:alert(1)", {}, "not a file in docs/"),
        ("math", "", {"label": "x}\\input{y"}, ":label: must be"),
    ],
)
def test_options_are_listed_per_directive_and_links_checked(
    name: str, args: str, options: dict[str, str], expected: str
) -> None:
    problems = directive_problems(name, args, options, "")
    assert any(expected in message for _, message in problems), problems


def test_bodies_are_checked_and_reported_after_the_options() -> None:
    problems = directive_problems("math", "", {"label": "eq"}, r"\input{/etc/hostname}")
    assert problems == [(2, r"'\input' is not an allowed maths command")]
    problems = directive_problems("graphviz", "", {"alt": "x"}, 'digraph { a [URL="j"] }')
    assert [offset for offset, _ in problems] == [2]


def test_roles() -> None:
    assert role_problems("term", "working memory") == []
    assert role_problems("cite:p", "baddeley1974") == []
    assert role_problems("eq", "mean") == []  # math :label: is allowed, so its role is
    assert "is not allowed" in role_problems("raw-html", "<b>")[0]
    assert role_problems("math", r"\href{javascript:x}{y}")
    assert role_problems("download", "the page <files/page.html>")
    assert role_problems("download", "the data <files/data.csv>") == []


DOCS = Path(__file__).resolve().parent.parent / "docs"
_GRAPHVIZ_BLOCK = re.compile(r"^```\{graphviz\}\n((?::[^\n]*\n)*)\n?(.*?)^```", re.M | re.S)


def test_every_diagram_of_the_course_passes_the_dot_allowlist_unchanged() -> None:
    """The allowlist is wide enough for what the course draws: nothing of ours is dropped."""
    blocks = [
        (page, match.group(2))
        for page in sorted(DOCS.rglob("*.md"))
        for match in _GRAPHVIZ_BLOCK.finditer(page.read_text(encoding="utf-8"))
    ]
    assert blocks
    for page, dot in blocks:
        safe, problems = sanitize_dot(dot)
        assert problems == [], (page, problems)
        assert safe.count("->") + safe.count("--") >= dot.count("->") + dot.count("--"), page


# -- The MathML writer (tools/extensions/mathml.py) ----------------------------------------------


def test_maths_becomes_mathml_with_every_text_escaped() -> None:
    mathml = to_mathml(r"\frac{a}{b} < \alpha", display="inline")
    assert mathml is not None
    assert mathml.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">')
    assert "<mfrac>" in mathml and "&lt;" in mathml and "α" in mathml


def test_markup_in_maths_text_stays_text() -> None:
    """latex2mathml copies \\text{} verbatim: a tag in it must not become a tag on the page."""
    for tex in (r"\text{<script>alert(1)</script>}", r"\text{<b onclick=alert(1)>x</b> & y}"):
        mathml = to_mathml(tex, display="inline")
        assert mathml is not None
        assert "<script" not in mathml and "<b " not in mathml
        assert "&lt;" in mathml
