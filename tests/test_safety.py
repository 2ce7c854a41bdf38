"""Contributed pages are untrusted: each injection is tried in a real build, and nothing gets through."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from helpers import build, copy_root, main_text, warnings

FRONT = "---\ncategory: junior-basics\nsummary: An attempt.\n{extra}---\n\n# Attempt\n\nHarmless text stays.\n\n{body}\n"


def attempt(tmp_path: Path, body: str, extra: str = "") -> tuple[Path, Path]:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT\n")
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nSECRET-CONTENT")
    page = FRONT.format(extra=extra, body=body.replace("SECRET", str(secret)))
    return copy_root(tmp_path, "course", files={"articles/attempt.md": page}), tmp_path


def published(outdir: Path) -> str:
    """Every file the build published, except the theme's and Sphinx's own static assets."""
    out = []
    for path in Path(outdir).rglob("*"):
        if path.is_file() and "_static" not in path.relative_to(outdir).parts:
            out.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(out)


def assert_inert(page: BeautifulSoup, where: Path) -> None:
    """No script, handler, script URL or refresh that a page could have planted."""
    for script in page.find_all("script"):
        assert "alert" not in script.get_text(), where
    for tag in page.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (where, tag)
            if name in ("href", "src", "data", "action"):
                assert not str(value).strip().lower().startswith(("javascript:", "data:")), (
                    where,
                    tag,
                )
    assert page.find("meta", attrs={"http-equiv": True}) is None, where


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
}


@pytest.mark.parametrize("name", list(INJECTIONS))
def test_injection_does_not_reach_the_site(make_app: Any, tmp_path: Path, name: str) -> None:
    extra, body = INJECTIONS[name]
    marker = tmp_path / "MARKER"
    src, _ = attempt(tmp_path, body.replace("MARKER", str(marker)), extra)
    app = build(make_app, src)
    output = published(app.outdir)
    assert not marker.exists(), "page code ran during the build"
    assert "SECRET-CONTENT" not in output
    assert str(tmp_path / "src") not in main_text(app, "articles/attempt.html")  # no getcwd()
    assert "evil.example" not in output
    for page in Path(app.outdir).rglob("*.html"):
        assert_inert(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"), page)
    assert "42" not in main_text(app, "articles/attempt.html")
    # The page itself is still published, and the build said why something was dropped.
    assert "Harmless text stays." in main_text(app, "articles/attempt.html")
    if name not in SHOWN_AS_TEXT:
        assert "attempt.md" in warnings(app)


def test_parser_settings_are_refused_before_myst_applies_them(
    make_app: Any, tmp_path: Path
) -> None:
    extra, body = INJECTIONS["myst-substitution-jinja"]
    src, _ = attempt(tmp_path, body.replace("MARKER", str(tmp_path / "M")), extra)
    app = build(make_app, src)
    assert (
        "attempt.md:4: WARNING: 'myst' in front matter would change parser settings for this page; "
        "it is not allowed and was ignored [SEC001]"
    ) in warnings(app)


def test_front_matter_text_stays_text_on_every_card(make_app: Any, tmp_path: Path) -> None:
    """Cards are written as HTML directly (fragments.py): what a page says is escaped there too."""
    summary = '<script>alert(\'card\')</script> & "quoted" <b onclick="alert(1)">bold</b>'
    page = FRONT.replace(
        "summary: An attempt.", f"summary: '{summary.replace(chr(39), chr(39) * 2)}'"
    )
    page = page.format(extra="related: [paying-attention]\n", body="").replace(
        "# Attempt", "# Attempt <img src=x onerror=alert(2)>"
    )
    src = copy_root(tmp_path, "course", files={"articles/attempt.md": page})
    app = build(make_app, src)
    for html_page in Path(app.outdir).rglob("*.html"):
        assert_inert(BeautifulSoup(html_page.read_text(encoding="utf-8"), "html.parser"), html_page)
    category = BeautifulSoup(
        (Path(app.outdir) / "browse/categories/junior-basics.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    card = next(
        c
        for c in category.select(".course-card")
        if c.select_one(".sd-card-title").get_text().startswith("Attempt")
    )
    assert card.select_one(".sd-card-title").get_text() == "Attempt <img src=x onerror=alert(2)>"
    assert card.select(".sd-card-text")[-1].get_text() == summary
