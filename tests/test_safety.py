"""Contributed pages are untrusted: each injection is tried in a real build, and nothing gets through."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from helpers import build, copy_root, main_text, soup, warnings

FRONT = "---\ncategory: junior-basics\nsummary: An attempt.\n{extra}---\n\n# Attempt\n\nHarmless text stays.\n\n{body}\n"


#: Files a hostile page can point at inside docs/ (an SVG with script, an HTML page).
PAGE_FILES = {
    "articles/files/evil.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert("svg")</script></svg>',
    "articles/files/page.html": "<script>alert('download')</script>",
    "articles/files/plain.svg": '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>',
}


def attempt(tmp_path: Path, body: str, extra: str = "") -> tuple[Path, Path]:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT\n")
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nSECRET-CONTENT")
    page = FRONT.format(extra=extra, body=body.replace("SECRET", str(secret)))
    files = {"articles/attempt.md": page, **PAGE_FILES}
    return copy_root(tmp_path, "course", files=files), tmp_path


def published(outdir: Path) -> str:
    """Every file the build published, except the theme's and Sphinx's own static assets."""
    out = []
    for path in Path(outdir).rglob("*"):
        if path.is_file() and "_static" not in path.relative_to(outdir).parts:
            out.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(out)


def as_browser_reads(url: str) -> str:
    """A URL as a browser reads it: C0 controls and spaces off both ends, tab/CR/LF gone."""
    url = url.strip("".join(chr(c) for c in range(0x21)))
    return url.replace("\t", "").replace("\r", "").replace("\n", "").lower()


def assert_inert(page: BeautifulSoup, where: Path) -> None:
    """No script, handler, script URL or refresh that a page could have planted."""
    for script in page.find_all("script"):
        assert "alert" not in script.get_text(), where
    for tag in page.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (where, tag)
            if name in ("href", "src", "data", "action", "xlink:href"):
                assert not as_browser_reads(str(value)).startswith(("javascript:", "data:")), (
                    where,
                    tag,
                )
    planted = page.find(
        "meta", attrs={"http-equiv": lambda v: v and v.lower() != "content-security-policy"}
    )
    assert planted is None, where


#: These come out as visible, escaped text (nothing is dropped, so the build has
#: nothing to warn about); `course check` reports the first three as SEC002 / SEC005.
SHOWN_AS_TEXT = {"raw-html-block", "raw-html-inline", "js-link", "graphviz-alt-attribute"}

INJECTIONS: dict[str, tuple[str, str]] = {
    # name: (front-matter extra, body)
    "myst-substitution-jinja": (
        "myst:\n  enable_extensions: [substitution]\n  substitutions:\n    x: 1\n",
        "{{ cycler.__init__.__globals__.os.mkdir('MARKER') }} and {{ cycler.__init__.__globals__.os.getcwd() }}",
    ),
    "myst-reenable-html": (
        "myst:\n  disable_syntax: []\n  enable_extensions: [html_image, html_admonition]\n",
        "<script>alert('myst')</script>",
    ),
    "top-level-substitutions": ("substitutions:\n  x: '<script>alert(1)</script>'\n", "{{ x }}"),
    "html-meta-refresh": ("html_meta:\n  http-equiv=refresh: 0;url=https://evil.example/\n", ""),
    "flow-style-myst": ("{myst: {enable_extensions: [substitution]}}\n", "{{ 7 * 6 }}"),
    "raw-html-block": (
        "",
        "<script>alert('block')</script>\n\n<div onclick=\"alert('x')\">hi</div>",
    ),
    "raw-html-inline": ("", "Text <img src=x onerror=\"alert('inline')\"> text."),
    "raw-directive": ("", "```{raw} html\n<script>alert('raw')</script>\n```"),
    "eval-rst-raw": ("", "```{eval-rst}\n.. raw:: html\n\n   <script>alert('rst')</script>\n```"),
    "eval-rst-include": ("", "```{eval-rst}\n.. include:: SECRET\n```"),
    "eval-rst-meta": (
        "",
        "```{eval-rst}\n.. meta::\n   :http-equiv=refresh: 0;url=https://evil.example/\n```",
    ),
    "eval-rst-js-link": ("", "```{eval-rst}\n`click <javascript:alert('rstlink')>`_\n```"),
    "include": ("", "```{include} SECRET\n```"),
    "literalinclude": ("", "```{literalinclude} SECRET\n```"),
    "csv-table-file": ("", "```{csv-table} Table\n:file: SECRET\n```"),
    "js-link": ("", "[click](javascript:alert('md'))"),
    "data-image": ("", "![x](data:image/png;base64,iVBORw0KGgo=)"),
    "image-outside-docs": ("", "![a secret picture](../../secret.png)"),
    "figure-outside-docs": ("", "```{figure} ../../secret.png\n:alt: secret\n```"),
    "download-outside-docs": ("", "{download}`the secret <../../secret.txt>`"),
    "graphviz-file-attribute": (
        "",
        '```{graphviz}\n:alt: x\n\ndigraph { a [image="SECRET"] }\n```',
    ),
    "graphviz-file-argument": ("", "```{graphviz} SECRET\n```"),
    "graphviz-url": (
        "",
        "```{graphviz}\n:alt: x\n\ndigraph { a [URL=\"javascript:alert('dot')\"] }\n```",
    ),
    "graphviz-alt-attribute": (
        "",
        "```{graphviz}\n:alt: a diagram\" onerror=\"alert('alt')\n\ndigraph { a -> b }\n```",
    ),
    "button-js": ("", "```{button-link} javascript:alert('button')\nClick\n```"),
    # Issue 12, item 5: script on click.
    "graphviz-edgeurl": (
        "",
        "```{graphviz}\n:alt: x\n\ndigraph { a -> b [edgeURL=\"javascript:alert('e')\"] }\n```",
    ),
    "graphviz-labelurl": (
        "",
        "```{graphviz}\n:alt: x\n\ndigraph { a -> b [label=l, labelURL=\"javascript:alert('l')\"] }\n```",
    ),
    "graphviz-quoted-url": (
        "",
        '```{graphviz}\n:alt: x\n\ndigraph { a ["URL"="javascript:alert(\'q\')"] }\n```',
    ),
    "graphviz-concatenated-url": (
        "",
        '```{graphviz}\n:alt: x\n\ndigraph { a ["UR"+"L"="javascript:alert(\'c\')"] }\n```',
    ),
    "graphviz-defaults-href": (
        "",
        "```{graphviz}\n:alt: x\n\ndigraph { node [href=\"javascript:alert('d')\"]; a }\n```",
    ),
    "digraph-directive": ("", "```{digraph} g\na [URL=\"javascript:alert('dg')\"]\n```"),
    "graphviz-dot-executable": (
        "",
        "```{graphviz}\n:alt: x\n:graphviz_dot: /usr/bin/touch\n\ndigraph { a }\n```",
    ),
    "toctree-script-entry": ("", "```{toctree}\nEvil <javascript://%0Aalert()>\n```"),
    "card-link-control": (
        "",
        "::::{grid}\n:::{grid-item-card} A card\n:link: \x01javascript:alert('card')\n\nText\n:::\n::::",
    ),
    "image-target-control": (
        "",
        "```{image} files/plain.svg\n:alt: plain\n:target: \x01javascript:alert('target')\n```",
    ),
    "markdown-link-control": ("", "[click](<\x01javascript:alert('md')>)"),
    "math-href": ("", "Inline {math}`\\href{javascript:alert('m')}{x}` maths."),
    "math-style": ("", "```{math}\n\\style{position:fixed}{\\href{javascript:alert(1)}{x}}\n```"),
    "svg-with-script": ("", "```{image} files/evil.svg\n:alt: evil\n```"),
    "download-html": ("", "{download}`the page <files/page.html>`"),
    # Items 2 and 3: files and commands through maths.
    "math-input": ("", "```{math}\n\\input{SECRET}\n```"),
    "math-nowrap": ("", "```{math}\n:nowrap:\n\nx\n```"),
    "math-openin": ("", "```{math}\n\\openin5=SECRET \\read5 to\\x \\x\n```"),
    # Item 6: files of the machine in published images.
    "graphviz-html-img": (
        "",
        '```{graphviz}\n:alt: x\n\ndigraph { a [label=<<IMG SRC="SECRET"/>>] }\n```',
    ),
    # Item 7: a diagram that would need gigabytes (the caps keep it small).
    "graphviz-size-bomb": (
        "",
        '```{graphviz}\n:alt: x\n\ndigraph { size="1000,1000!"; dpi=10000; a [width=5000] }\n```',
    ),
}


#: Front matter is re-written by the source gate (pagesource.py) before MyST reads
#: it; nothing behind the gate sees these settings, so they are tried with the gate only.
FRONT_MATTER_CASES = {
    "myst-substitution-jinja",
    "myst-reenable-html",
    "top-level-substitutions",
    "html-meta-refresh",
    "flow-style-myst",
}


def build_without_gate(make_app: Any, srcdir: Path, **kwargs: Any) -> Any:
    """A build with the source gate (which refuses whole pages) switched off, so the
    guard behind it (guard.py) is tested on its own: each layer must hold alone."""
    app = make_app("html", srcdir=srcdir, **kwargs)
    for listener in list(app.events.listeners["source-read"]):
        if listener.handler.__module__ == "tools.extensions.pagesource":
            app.disconnect(listener.id)
    app.build()
    return app


def assert_nothing_got_through(app: Any, tmp_path: Path, name: str) -> None:
    output = published(app.outdir)
    assert not (tmp_path / "MARKER").exists(), "page code ran during the build"
    assert "SECRET-CONTENT" not in output
    assert str(tmp_path / "src") not in main_text(app, "articles/attempt.html")  # no getcwd()
    assert "evil.example" not in output
    for page in Path(app.outdir).rglob("*.html"):
        assert_inert(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"), page)
    assert "42" not in main_text(app, "articles/attempt.html")
    if name not in SHOWN_AS_TEXT:  # the build said why something was dropped
        assert "attempt.md" in warnings(app)


@pytest.mark.parametrize("name", list(INJECTIONS))
def test_injection_does_not_reach_the_site(make_app: Any, tmp_path: Path, name: str) -> None:
    extra, body = INJECTIONS[name]
    src, _ = attempt(tmp_path, body.replace("MARKER", str(tmp_path / "MARKER")), extra)
    app = build(make_app, src)
    assert_nothing_got_through(app, tmp_path, name)


@pytest.mark.parametrize("name", [n for n in INJECTIONS if n not in FRONT_MATTER_CASES])
def test_the_guard_alone_stops_each_injection(make_app: Any, tmp_path: Path, name: str) -> None:
    """With the gate off, the page is published, without what was unsafe in it."""
    extra, body = INJECTIONS[name]
    src, _ = attempt(tmp_path, body.replace("MARKER", str(tmp_path / "MARKER")), extra)
    app = build_without_gate(make_app, src)
    assert_nothing_got_through(app, tmp_path, name)
    assert "Harmless text stays." in main_text(app, "articles/attempt.html")


def test_parser_settings_are_refused_before_myst_applies_them(
    make_app: Any, tmp_path: Path
) -> None:
    extra, body = INJECTIONS["myst-substitution-jinja"]
    src, _ = attempt(tmp_path, body.replace("MARKER", str(tmp_path / "M")), extra)
    app = build(make_app, src)
    assert "attempt.md:4: WARNING: 'myst' in front matter" in warnings(app)
    assert "[SEC001]" in warnings(app)


def test_front_matter_text_stays_text_on_every_card(make_app: Any, tmp_path: Path) -> None:
    """Whatever a page's title and summary say stays text on the cards of other pages."""
    summary = '<script>alert(\'card\')</script> & "quoted" <b onclick="alert(1)">bold</b>'
    page = FRONT.replace(
        "summary: An attempt.", f"summary: '{summary.replace(chr(39), chr(39) * 2)}'"
    )
    page = page.format(extra="related: [paying-attention]\n", body="").replace(
        "# Attempt", "# Attempt <img src=x onerror=alert(2)>"
    )
    src = copy_root(tmp_path, "course", files={"articles/attempt.md": page})
    app = build_without_gate(make_app, src)  # the gate would not publish the raw <img>
    for html_page in Path(app.outdir).rglob("*.html"):
        assert_inert(BeautifulSoup(html_page.read_text(encoding="utf-8"), "html.parser"), html_page)
    category = BeautifulSoup(
        (Path(app.outdir) / "browse/categories/junior-basics.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    card = next(
        c
        for c in category.select(".course-card")
        if c.select_one(".sd-card-title").get_text().strip().startswith("Attempt")
    )
    title = card.select_one(".sd-card-title").get_text().strip()
    assert title == "Attempt <img src=x onerror=alert(2)>"
    assert card.select(".sd-card-text")[-1].get_text().strip() == summary


def test_graphviz_alt_text_is_escaped_exactly_once(make_app: Any, tmp_path: Path) -> None:
    """Sphinx up to 9.0 writes the alt unescaped; the guard escapes only if Sphinx does not."""
    alt = "a & b \" onerror=\"alert('alt')"
    src, _ = attempt(tmp_path, f"```{{graphviz}}\n:alt: {alt}\n\ndigraph {{ a -> b }}\n```")
    app = build_without_gate(make_app, src)
    images = soup(app, "articles/attempt.html").select("img.graphviz")
    assert [img["alt"] for img in images] == [alt]
    assert all(set(img.attrs) == {"src", "alt", "class"} for img in images)


def test_maths_is_mathml_with_no_script_and_no_request(make_app: Any, tmp_path: Path) -> None:
    body = "Inline {math}`\\alpha + \\beta` here.\n\n```{math}\n\\frac{1}{2} \\leq \\sqrt{x}\n```"
    src, _ = attempt(tmp_path, body)
    app = build(make_app, src)
    page = soup(app, "articles/attempt.html")
    formulas = page.select("article math")
    assert [f.get("display") for f in formulas] == ["inline", "block"]
    assert "α" in formulas[0].get_text() and formulas[1].find("mfrac") is not None
    for script in page.find_all("script"):
        assert "mathjax" not in (script.get("src", "") + script.get_text()).lower()
    assert not [s for s in page.find_all("script", src=True) if "://" in s["src"]]
    assert "course.math" not in warnings(app)


def test_a_diagram_bomb_is_drawn_small(make_app: Any, tmp_path: Path) -> None:
    _, body = INJECTIONS["graphviz-size-bomb"]
    src, _ = attempt(tmp_path, body)
    app = build_without_gate(make_app, src)
    drawn = list((Path(app.outdir) / "_images").glob("graphviz-*.png"))
    assert drawn
    for png in drawn:
        width, height = struct.unpack(">II", png.read_bytes()[16:24])
        assert width <= 20 * 150 and height <= 20 * 150, (width, height)
    assert "dpi='10000'" in warnings(app) and "size='1000,1000!'" in warnings(app)


BIB_CONF = (
    "\nextensions = [*extensions, 'sphinxcontrib.bibtex']\nbibtex_bibfiles = ['references.bib']\n"
)
EVIL_BIB = (
    "\n@misc{evil2020,\n  author = {Evil, Eve},\n  title = {A trap},\n  year = {2020},\n"
    "  url = {\x01javascript:alert('bib')},\n}\n"
)


def test_a_bibliography_link_is_checked_at_its_line_and_never_published(
    make_app: Any, tmp_path: Path
) -> None:
    src, _ = attempt(tmp_path, "Cited {cite:p}`evil2020`.\n\n```{bibliography}\n```")
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(BIB_CONF)
    bib = src / "references.bib"
    line = bib.read_text(encoding="utf-8").count("\n") + 2
    with bib.open("a", encoding="utf-8") as out:
        out.write(EVIL_BIB)
    app = build(make_app, src)
    assert f"references.bib:{line}: WARNING: evil2020: field 'url': javascript: URLs" in warnings(
        app
    )
    assert "A trap" in main_text(app, "articles/attempt.html")  # the entry is listed
    assert "alert('bib')" not in published(app.outdir)


def test_a_strict_build_fails_on_a_hostile_page(make_app: Any, tmp_path: Path) -> None:
    _, body = INJECTIONS["toctree-script-entry"]
    src, _ = attempt(tmp_path, body)
    app = build_without_gate(make_app, src, warningiserror=True)
    assert app.statuscode == 1
    assert "javascript: URLs are not allowed" in warnings(app)


def test_images_and_downloads_reached_through_a_symlink_are_refused(
    make_app: Any, tmp_path: Path
) -> None:
    body = (
        "![outside](files/outside.png)\n\n![inside](files/inside.svg)\n\n"
        "{download}`linked <files/linked.csv>`"
    )
    src, _ = attempt(tmp_path, body)
    files = src / "articles" / "files"
    (files / "outside.png").symlink_to(tmp_path / "secret.png")
    (files / "inside.svg").symlink_to(files / "plain.svg")
    (files / "data.csv").write_text("SECRET-CONTENT\n", encoding="utf-8")
    (files / "linked.csv").symlink_to(files / "data.csv")
    app = build_without_gate(make_app, src)
    assert "image 'files/outside.png' removed: it is outside docs/" in warnings(app)
    assert "image 'files/inside.svg' removed: it is reached through a symbolic link" in warnings(
        app
    )
    assert "download 'files/linked.csv' removed: it is reached through a symbolic link" in (
        warnings(app)
    )
    page = soup(app, "articles/attempt.html").find("article")
    assert page is not None and page.find("img") is None
    assert "SECRET-CONTENT" not in published(app.outdir)
