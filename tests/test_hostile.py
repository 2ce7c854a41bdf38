"""Hostile pages, as a stranger's pull request would write them (issue 12).

Each page in tests/hostile/ carries one attack. For each, as a contributor,
Read the Docs, an instructor and a student would meet it:

- ``course check`` reports an error at the attack's line;
- the build warns naming the page (so the strict build, ``-W``, fails);
- a non-strict build, as Read the Docs runs it, publishes nothing unsafe
  (the output scan passes, no script URL, no file of the machine) and runs
  nothing (a payload that would ``touch`` a marker file leaves it absent);
- the handout build (WeasyPrint) reads nothing outside its own output and
  runs nothing (slow);
- in Chromium, clicking every link and pressing Enter on every focusable
  element of the page opens no dialog, once with the Content-Security-Policy
  on and the URL filters off, once the other way round (slow).

Pages use placeholders the test fills in: ``@MARKER@`` (a file a payload
would create), ``@SECRET@`` and ``@SECRETPNG@`` (files outside the source
folder holding a token that must never reach any output).
"""

from __future__ import annotations

import contextlib
import html
import http.server
import os
import secrets
import shutil
import struct
import subprocess
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from bs4 import BeautifulSoup

from helpers import copy_root, warnings
from tools.course.safety import SAFE_SCHEMES, normalize_url
from tools.course.sourcetree import symlink_problems
from tools.course.taxonomy import load_taxonomy
from tools.outputs.searchprobe import served

HOSTILE = Path(__file__).resolve().parent / "hostile"
CHROMIUM = "/usr/bin/chromium"


@dataclass(frozen=True)
class Case:
    """One hostile page: where check must report it, and what else it needs."""

    #: Lines at which ``course check`` may report the attack: the attack's own
    #: line first, then the opening line of the directive (or bibliography
    #: entry) that holds it.
    lines: tuple[int, ...]
    #: Folder of the source tree the page goes in.
    place: str = "articles"
    #: Companion files from tests/hostile/files/, copied beside the page.
    files: tuple[str, ...] = ()
    #: Whether the handout (PDF) build is tried too.
    handout: bool = False
    #: Whether Chromium clicks through the page.
    browser: bool = False
    #: Extra configuration for the builds.
    conf: tuple[tuple[str, Any], ...] = ()


BIBTEX = (
    ("extensions", ["myst_parser", "sphinx_design", "sphinxcontrib.bibtex", "tools.extensions"]),
    ("bibtex_bibfiles", ["references.bib"]),
)
SVG_DIAGRAMS = (("graphviz_output_format", "svg"),)

CASES: dict[str, Case] = {
    # 1. Build-time code execution through front matter.
    "fm-four-dashes.md": Case((1, 5)),
    "fm-trailing-control.md": Case((1, 5)),
    "fm-trailing-nbsp.md": Case((1, 5)),
    "fm-myst-substitution-script.md": Case((5,), browser=True),
    "fm-myst-html-on.md": Case((5,), browser=True),
    "fm-yaml-broken.md": Case((3, 4, 1)),
    "fm-line-separator.md": Case((5,)),
    "fm-outside-articles.md": Case((2,), place="notes"),
    "fm-substitutions-key.md": Case((5,)),
    # 2. Shell commands through the PDF build.
    "math-nowrap-glossary.md": Case((10, 12, 9), handout=True),
    "math-write18.md": Case((10, 9), handout=True),
    # 3. Files of the build machine printed in a PDF.
    "math-input.md": Case((10, 9), handout=True),
    "math-openin.md": Case((10, 9), handout=True),
    "math-readline-csname.md": Case((9,), handout=True),
    "math-catcode-def.md": Case((10, 9), handout=True),
    "math-includegraphics.md": Case((10, 9), handout=True),
    "math-openout.md": Case((10, 9), handout=True),
    "math-href-file.md": Case((9,), handout=True, browser=True),
    # 5. Script on click.
    "dot-edgeurl.md": Case((10, 9), browser=True),
    "dot-labelurl.md": Case((10, 9), browser=True),
    "dot-quoted-url.md": Case((10, 9), browser=True),
    "dot-concatenated-url.md": Case((10, 9), browser=True),
    "dot-href.md": Case((10, 9), browser=True),
    "toctree-javascript.md": Case((10, 9), browser=True),
    "toctree-control.md": Case((10, 9), browser=True),
    "card-link-control.md": Case((10, 9), browser=True),
    "image-target-control.md": Case((11, 9), files=("pixel.png",), browser=True),
    "button-link.md": Case((9,), browser=True),
    "button-link-control.md": Case((9,), browser=True),
    "mathjax-href.md": Case((9,), browser=True),
    "mathjax-style.md": Case((9,), browser=True),
    "mathjax-class.md": Case((9,), browser=True),
    "svg-image-script.md": Case((9,), files=("evil.svg",), browser=True),
    "bib-javascript-url.md": Case((5, 1), files=("references.bib",), conf=BIBTEX, browser=True),
    "download-html.md": Case((9,), files=("evil.html",), browser=True),
    "download-outside.md": Case((9,)),
    "datafig-conf-py.md": Case((9,)),
    "datafig-absolute.md": Case((9,)),
    "datafig-dotdot.md": Case((9,)),
    "md-link-javascript.md": Case((9,), browser=True),
    "md-link-mixed-case.md": Case((9,), browser=True),
    "md-link-entity.md": Case((9,), browser=True),
    "md-link-data.md": Case((9,), browser=True),
    "md-link-vbscript.md": Case((9,)),
    "md-link-definition.md": Case((11, 9), browser=True),
    "md-autolink.md": Case((9,), browser=True),
    "md-raw-html.md": Case((9,), browser=True),
    "directive-raw.md": Case((9, 10), handout=True, browser=True),
    "directive-eval-rst.md": Case((9, 10, 12), browser=True),
    "directive-include.md": Case((9,), handout=True),
    "directive-literalinclude.md": Case((9,), handout=True),
    "directive-csv-file.md": Case((10, 9)),
    "directive-unknown.md": Case((9,)),
    "role-raw.md": Case((9, 10, 14), browser=True),
    "image-absolute.md": Case((9,), handout=True),
    "image-file-url.md": Case((9,)),
    "image-remote.md": Case((9,)),
    # 6. Files of the machine in published images.
    "dot-html-img.md": Case((10, 9), handout=True, conf=SVG_DIAGRAMS),
    "dot-image-attr.md": Case((10, 9), handout=True, conf=SVG_DIAGRAMS),
    "dot-imagepath.md": Case((10, 9), handout=True, conf=SVG_DIAGRAMS),
    "dot-file-argument.md": Case((9,)),
    # 7. Denial of service.
    "dot-size-bomb.md": Case((10, 9)),
    "long-line.md": Case((9, 1)),  # over the size limit: refused whole, at line 1
    "non-utf8.md": Case((9,)),
}


def test_every_page_of_the_corpus_has_a_case() -> None:
    assert sorted(p.name for p in HOSTILE.glob("*.md")) == sorted(CASES)


def _png(text: bytes) -> bytes:
    """A tiny valid PNG carrying *text* in a tEXt chunk (so a copied file is findable)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00" + text)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


@dataclass
class Planted:
    """A copy of the test root with one hostile page, and the traps around it."""

    tmp: Path
    src: Path
    page: Path
    token: str
    secret: Path
    secret_png: Path
    marker: Path
    #: Every page planted (one, or a whole site's worth for the browser test).
    pages: tuple[Path, ...] = ()

    def leaked_into(self, folder: Path) -> list[str]:
        """Files under *folder* holding the secret token (the secret files themselves aside)."""
        mine = (self.secret, self.secret_png)
        return [
            str(path.relative_to(folder))
            for path in folder.rglob("*")
            if path.is_file() and path not in mine and self.token.encode() in path.read_bytes()
        ]

    def ran(self) -> list[str]:
        """Traces of a payload that ran: the marker file, or files named PWNED anywhere."""
        traces = [str(p) for p in self.tmp.rglob("PWNED*")]
        return traces + ([str(self.marker)] if self.marker.exists() else [])


def plant(tmp: Path, *names: str) -> Planted:
    """A copy of the test root with the hostile pages *names*, sharing one set of traps."""
    outside = tmp / "outside"
    outside.mkdir()
    token = f"HOSTILE-SECRET-{secrets.token_hex(8)}"
    secret = outside / "secret.txt"
    secret.write_text(f"{token}\n", encoding="utf-8")
    secret_png = outside / "secret.png"
    secret_png.write_bytes(_png(token.encode()))
    marker = outside / "MARKER-payload-ran"
    src = copy_root(tmp, "course")
    pages = []
    for name in names:
        case = CASES[name]
        raw = (HOSTILE / name).read_bytes()
        for placeholder, value in (
            (b"@MARKER@", marker),
            (b"@SECRETPNG@", secret_png),
            (b"@SECRET@", secret),
        ):
            raw = raw.replace(placeholder, str(value).encode())
        page = src / case.place / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_bytes(raw)
        pages.append(page)
        for companion in case.files:
            shutil.copy(HOSTILE / "files" / companion, page.parent / companion)
            if companion == "references.bib":
                shutil.copy(HOSTILE / "files" / companion, src / companion)
    return Planted(tmp, src, pages[0], token, secret, secret_png, marker, tuple(pages))


@pytest.fixture(params=sorted(CASES))
def planted(request: pytest.FixtureRequest, tmp_path: Path) -> Planted:
    return plant(tmp_path, str(request.param))


# -- course check ------------------------------------------------------------


def test_check_reports_an_error_at_the_attack(planted: Planted) -> None:
    from tools.course.checker import check_paths

    case = CASES[planted.page.name]
    taxonomy = load_taxonomy(planted.src / "taxonomy.yaml")
    if planted.page.name.startswith("bib-"):
        target = planted.src / "references.bib"
        findings = check_paths([planted.src], planted.src, taxonomy)
    else:
        target = planted.page
        findings = check_paths([planted.page], planted.src, taxonomy)
    errors = [
        (f.line, f.code, f.message)
        for f in findings
        if f.severity == "error" and Path(f.path).resolve() == target.resolve()
    ]
    assert any(line in case.lines for line, _, _ in errors), (case.lines, errors)
    assert not planted.ran()


# -- the HTML build, as Read the Docs runs it (not strict) ---------------------


def html_build(make_app: Callable[..., Any], src: Path, **conf: Any) -> Any:
    """Build without -W, as Read the Docs does."""
    app = make_app("html", srcdir=src, confoverrides=conf, freshenv=True)
    app.build()
    return app


def unsafe_urls(outdir: Path) -> list[str]:
    """URL attributes in any written page whose scheme a browser would run or load locally."""
    from tools.extensions.outputscan import url_scheme

    found = []
    for page in outdir.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8", errors="replace"), "html.parser")
        for tag in soup.find_all(True):
            for attr in ("href", "src", "xlink:href", "action", "formaction", "data", "poster"):
                value = tag.get(attr)
                if isinstance(value, str):
                    scheme = url_scheme(html.unescape(value))
                    if scheme is not None and scheme not in SAFE_SCHEMES:
                        found.append(f"{page.relative_to(outdir)}: {attr}={value[:60]!r}")
    return found


def test_build_warns_naming_the_page_and_publishes_nothing_unsafe(
    make_app: Callable[..., Any], planted: Planted
) -> None:
    app = html_build(make_app, planted.src, **dict(CASES[planted.page.name].conf))
    outdir = Path(app.outdir)
    # The guard stopped it before the last line of defence (the output scan) had to.
    assert "[course.unsafe_output]" not in warnings(app), warnings(app)[-3000:]
    # A warning or error names the page: the strict build (-W) fails.
    named = planted.page.name if not planted.page.name.startswith("bib-") else "references.bib"
    assert named in warnings(app), warnings(app)[-3000:]
    # Nothing unsafe is published, nothing of the machine, and nothing ran.
    assert unsafe_urls(outdir) == []
    assert planted.leaked_into(outdir) == []
    assert str(planted.secret_png) not in "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in outdir.rglob("*.html")
    )
    hostname = Path("/etc/hostname").read_text(encoding="utf-8").strip()
    built = outdir / planted.page.relative_to(planted.src).with_suffix(".html")
    if built.is_file() and len(hostname) >= 6:
        assert hostname not in built.read_text(encoding="utf-8")
    for script in BeautifulSoup(
        built.read_text(encoding="utf-8") if built.is_file() else "", "html.parser"
    ).find_all("script"):
        assert "alert(" not in script.get_text()
    assert not list(outdir.rglob("_downloads/**/*.html"))
    assert planted.ran() == []


def test_non_utf8_page_is_an_error_not_a_traceback(
    make_app: Callable[..., Any], tmp_path: Path
) -> None:
    planted = plant(tmp_path, "non-utf8.md")
    app = html_build(make_app, planted.src)
    assert "non-utf8.md:9" in warnings(app), warnings(app)[-2000:]
    assert "Traceback" not in warnings(app)


# -- symlinks (item 4): created by the test, as git would check them out ---------


SYMLINK_KINDS = ["outside-file", "conf-file", "folder", "image"]


def plant_symlink(tmp_path: Path, kind: str) -> tuple[Path, Path, str]:
    """A copy of the root with one committed symlink of *kind*: (source, link, secret token)."""
    src = copy_root(tmp_path, "course")
    token = f"HOSTILE-SECRET-{secrets.token_hex(8)}"
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    secret = outside / "environ"
    secret.write_text(f"AWS_SECRET={token}\n", encoding="utf-8")
    conf = outside / "conf.py"
    conf.write_text(f"# {token}\nproject = 'x'\n", encoding="utf-8")
    (outside / "folder" / "page.md").write_text(f"# Linked\n\n{token}\n", encoding="utf-8")
    (outside / "secret.png").write_bytes(_png(token.encode()))
    link = {
        "outside-file": src / "x.md",
        "conf-file": src / "articles" / "settings.md",
        "folder": src / "linked",
        "image": src / "articles" / "figure.png",
    }[kind]
    target = {
        "outside-file": secret,
        "conf-file": Path(os.path.relpath(conf, link.parent)),
        "folder": outside / "folder",
        "image": outside / "secret.png",
    }[kind]
    link.symlink_to(target)
    if kind == "image":
        page = src / "articles" / "growing-up.md"
        page.write_text(
            page.read_text(encoding="utf-8") + "\n![A figure](figure.png)\n", encoding="utf-8"
        )
    return src, link, token


@pytest.mark.parametrize("kind", SYMLINK_KINDS)
def test_check_refuses_symlinks(tmp_path: Path, kind: str) -> None:
    from tools.course.checker import check_paths

    src, link, _ = plant_symlink(tmp_path, kind)
    assert [path for path, _ in symlink_problems(src)] == [link]
    findings = check_paths([src], src, load_taxonomy(src / "taxonomy.yaml"))
    assert any(
        f.severity == "error" and Path(f.path) in (link, link.resolve()) for f in findings
    ), findings


@pytest.mark.parametrize("kind", SYMLINK_KINDS)
def test_build_refuses_symlinks_and_publishes_nothing_they_point_at(
    make_app: Callable[..., Any], tmp_path: Path, kind: str
) -> None:
    src, link, token = plant_symlink(tmp_path, kind)
    app = html_build(make_app, src)
    outdir = Path(app.outdir)
    assert f"{link}:1" in warnings(app), warnings(app)
    leaked = [
        str(p.relative_to(outdir))
        for p in outdir.rglob("*")
        if p.is_file() and token.encode() in p.read_bytes()
    ]
    assert leaked == []
    sitemap = outdir / "sitemap.xml"
    if sitemap.is_file():
        assert link.stem not in sitemap.read_text(encoding="utf-8")


# -- the handout (PDF) build ---------------------------------------------------


HANDOUT_CASES = sorted(name for name, case in CASES.items() if case.handout)


@pytest.mark.slow
@pytest.mark.parametrize("name", HANDOUT_CASES)
def test_handout_build_reads_and_runs_nothing(tmp_path: Path, name: str) -> None:
    from tools.outputs.pdfbuild import build_handouts

    planted = plant(tmp_path, name)
    build = tmp_path / "build"
    build_handouts("all", ("student",), source=planted.src, conf=planted.src, build=build)
    assert planted.ran() == []
    assert planted.leaked_into(build) == []
    hostname = Path("/etc/hostname").read_text(encoding="utf-8").strip()
    pdfs = list((build / "handouts").glob("*.pdf"))
    assert pdfs  # the handouts were printed, the hostile part left out
    for pdf in pdfs:
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert planted.token not in text
        if len(hostname) >= 6:
            assert hostname not in text
        assert "file:///" not in text


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(_png(b"served"))

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.slow
def test_printing_reads_no_file_outside_the_build_and_makes_no_request(tmp_path: Path) -> None:
    """The URL fetcher serves the build's own files only: not other files (by any
    path, URL or link), not the network, not data: URLs; a handout that asked is
    not published and the report names what was refused."""
    from tools.outputs.pdfbuild import fetcher_for, render

    token = f"HOSTILE-SECRET-{secrets.token_hex(8)}"
    outside = tmp_path / "outside"
    outside.mkdir()
    secret_png = outside / "secret.png"
    secret_png.write_bytes(_png(token.encode()))
    (outside / "secret.css").write_text(f"p::after {{ content: '{token}' }}", encoding="utf-8")
    folder = tmp_path / "html"
    folder.mkdir()
    (folder / "ok.png").write_bytes(_png(b"ok"))
    (folder / "link.png").symlink_to(secret_png)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    remote = f"http://127.0.0.1:{server.server_address[1]}/x.png"
    data = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC"
    hostile = [
        secret_png.as_uri(),
        str(secret_png),
        "../outside/secret.png",
        "link.png",
        remote,
        data,
    ]
    fetcher = fetcher_for(folder)
    assert fetcher.fetch((folder / "ok.png").as_uri()).read() == (folder / "ok.png").read_bytes()
    base = folder.as_uri() + "/"
    for url in hostile:
        absolute = (
            url if ":" in url else (base + url if not url.startswith("/") else "file://" + url)
        )
        with pytest.raises(Exception, match="not a file of the handout build"):
            fetcher.fetch(absolute)
    images = "".join(f'<p><img src="{html.escape(u)}" alt="x"></p>' for u in hostile)
    page = folder / "t.html"
    page.write_text(
        "<!DOCTYPE html><html lang=en><head><title>t</title>"
        f'<link rel="stylesheet" href="{(outside / "secret.css").as_uri()}">'
        f"<style>@import url({remote}); @font-face {{ font-family: X; src: url({secret_png.as_uri()}) }}</style>"
        f'</head><body><p><img src="ok.png" alt="ok"></p>{images}</body></html>',
        encoding="utf-8",
    )
    pdf = folder / "t.pdf"
    try:
        problem = render(page, pdf, {})
    finally:
        server.shutdown()
    assert _Counting.hits == []
    assert not pdf.exists()  # not published
    assert "secret.css" in problem and "secret.png" in problem and "127.0.0.1" in problem
    assert "data:image/png" in problem


# -- Chromium ------------------------------------------------------------------


BROWSER_CASES = sorted(name for name, case in CASES.items() if case.browser)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (system packages 'test')")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


LINKS = "article a, area"
FOCUSABLE = "article a[href], article button, article summary, article [tabindex], area"
#: Clicks every element of a selector from a given index, in the page, pausing after each
#: so a ``javascript:`` URL (queued by the click) runs before the next click could cancel it.
#: The next index is kept in sessionStorage, which outlives a document the click replaced.
CLICK_FROM = """async ([selector, first]) => {
  const all = [...document.querySelectorAll(selector)];
  for (let i = first; i < all.length; i++) {
    sessionStorage.setItem("probe-next", String(i + 1));
    all[i].click();
    await new Promise((done) => setTimeout(done, 30));
  }
  return all.length;
}"""
#: Focuses the element at an index; whether it took focus (a hidden one cannot).
FOCUS = """([selector, i]) => {
  const element = document.querySelectorAll(selector)[i];
  if (!element) return false;
  element.focus();
  return document.activeElement === element;
}"""


def dialogs_when_used(browser: Any, url: str) -> list[str]:
    """Open *url*, click every link of the page's content and image maps, press Enter on
    every focusable element, click the middle of the page: the dialogs that opened.

    Navigations to other documents are answered with 204 No Content (the page
    stays put, so one tab serves every action); a ``javascript:`` URL makes no request, so it still
    runs unless something stops it. Popups count too. When an action replaces
    the document, the page is opened again and the next element gets its turn.
    """
    opened: list[str] = []
    context = browser.new_context()

    def dismiss(dialog: Any) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    def stay(route: Any) -> None:
        request = route.request
        elsewhere = request.url.split("#", 1)[0] != url.split("#", 1)[0]
        if request.is_navigation_request() and request.frame.parent_frame is None and elsewhere:
            # 204 No Content: the browser stays on the page (an aborted request
            # would replace it with an error page, and every click would cost a reload).
            route.fulfill(status=204)
        else:
            route.continue_()

    def back_if_moved() -> None:
        if tab.url.split("#", 1)[0] != url.split("#", 1)[0]:
            tab.goto(url)

    context.on("page", lambda page: page.on("dialog", dismiss))
    context.route("**/*", stay)
    tab = context.new_page()
    tab.set_default_timeout(30_000)  # reloading the page may be slow on a busy machine
    tab.goto(url)
    first = 0
    while True:
        try:
            tab.evaluate(CLICK_FROM, [LINKS, first])
            break
        except Exception:  # the document was replaced under the loop
            tab.goto(url)
            stored = int(tab.evaluate("() => sessionStorage.getItem('probe-next') || '0'"))
            first = max(first + 1, stored)  # always onward: the loop ends
    back_if_moved()
    for i in range(tab.locator(FOCUSABLE).count()):
        with contextlib.suppress(Exception):  # an aborted navigation, a replaced document
            if tab.evaluate(FOCUS, [FOCUSABLE, i]):
                tab.keyboard.press("Enter")
                tab.wait_for_timeout(30)
        back_if_moved()
    with contextlib.suppress(Exception):
        tab.mouse.click(400, 400)
        tab.wait_for_timeout(30)
    context.close()
    return opened


LAYERS = ("csp-only", "filters-only")
#: The browser cases need the bibliography (one case attacks through it).
BROWSER_CONF = dict(BIBTEX)
assert all(set(dict(CASES[name].conf)) <= set(BROWSER_CONF) for name in BROWSER_CASES)


def build_layer(tmp: Path, layer: str) -> tuple[Planted, Path]:
    """One site holding every browser case, built with only *layer* in place.

    One site for all the pages, rather than one per page, also shows that a
    hostile page harms no other page of the same build.
    """
    from sphinx.testing.util import SphinxTestApp

    planted = plant(tmp, *BROWSER_CASES)
    conf = {"course_url_filter": False} if layer == "csp-only" else {"course_csp": False}
    app = SphinxTestApp("html", srcdir=planted.src, confoverrides=BROWSER_CONF | conf)
    try:
        if layer == "csp-only":
            # Every filter off, the source gate too (it would refuse the page whole):
            # only the Content-Security-Policy stands between the page and the reader.
            for listener in list(app.events.listeners["source-read"]):
                if listener.handler.__module__ == "tools.extensions.pagesource":
                    app.disconnect(listener.id)
        app.build()
    finally:
        app.cleanup()
    return planted, Path(app.outdir)


@pytest.fixture(scope="module")
def layer_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Each layer's site, built once for the module and served while it runs."""
    sites: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        for layer in LAYERS:
            planted, outdir = build_layer(tmp_path_factory.mktemp(layer), layer)
            sites[layer] = (planted, outdir, stack.enter_context(served(outdir, prefix="")))
        yield sites


@pytest.mark.slow
@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("name", BROWSER_CASES)
def test_no_dialog_opens_in_chromium(
    layer_sites: dict[str, Any], chromium: Any, name: str, layer: str
) -> None:
    """Each layer alone stops the script: CSP with the URL filters off, filters with CSP off."""
    planted, outdir, base = layer_sites[layer]
    page = next(p for p in planted.pages if p.name == name)
    built = outdir / page.relative_to(planted.src).with_suffix(".html")
    if built.is_file():  # else refused whole: nothing to click
        assert dialogs_when_used(chromium, base + built.relative_to(outdir).as_posix()) == []
    assert planted.ran() == []


def test_normalised_schemes_match_what_browsers_run() -> None:
    """The output scan reads a URL as the browser does (the trick of items 5's control characters)."""
    from tools.extensions.outputscan import url_scheme

    assert url_scheme("\x01javascript:alert(1)") == "javascript"
    assert url_scheme(" java\tscript:alert(1)") == "javascript"
    assert url_scheme("JaVaScRiPt:x") == "javascript"
    assert normalize_url("\x00 https://example.org/\n") == "https://example.org/"
    assert url_scheme("../page.html") is None


# -- CI: a stranger's page runs with nothing to steal and publishes nothing -------


WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"


def _workflow(name: str) -> dict[str, Any]:
    import yaml

    loaded: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return loaded


def test_pull_requests_run_with_a_read_only_token_and_no_secrets() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        code = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
        assert "pull_request_target" not in code, path.name
        assert "secrets." not in code, path.name
    ci = _workflow("ci.yml")
    assert ci["permissions"] == {"contents": "read"}
    for job in ci["jobs"].values():
        assert job.get("permissions", {"contents": "read"}) == {"contents": "read"}
        checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
        assert checkout["with"]["persist-credentials"] is False


def test_pages_publish_only_from_main_after_the_check_passes() -> None:
    pages = _workflow("pages.yml")
    triggers = pages[True]  # YAML 1.1 reads the key `on` as True
    assert set(triggers) <= {"push", "workflow_dispatch"}
    assert triggers["push"]["branches"] == ["main"]
    assert "pages" not in pages["permissions"] and "id-token" not in pages["permissions"]
    jobs = pages["jobs"]
    assert "make check" in str(jobs["check"]["steps"])
    assert jobs["build"]["needs"] == "check"
    deploy = jobs["deploy"]
    assert set(deploy["needs"]) == {"check", "build"}
    assert "refs/heads/main" in deploy["if"]
    writers = [name for name, job in jobs.items() if "write" in str(job.get("permissions", {}))]
    assert writers == ["deploy"]


def test_read_the_docs_builds_with_the_guarded_configuration() -> None:
    import yaml

    root = Path(__file__).resolve().parent.parent
    rtd = yaml.safe_load((root / ".readthedocs.yaml").read_text(encoding="utf-8"))
    build = next(c for c in rtd["build"]["commands"] if "sphinx" in c)
    assert "-c conf" in build
    assert " -D " not in build and " -C " not in build


@pytest.mark.slow
def test_the_browser_probe_sees_a_dialog_when_one_opens(chromium: Any, tmp_path: Path) -> None:
    """The probe above can fail: on a page with neither layer, it sees the dialogs."""
    (tmp_path / "p.html").write_text(
        "<!doctype html><html><body><article>"
        '<a href="javascript:alert(1)">one</a>'
        '<button onclick="alert(2)">two</button>'
        "</article></body></html>",
        encoding="utf-8",
    )
    with served(tmp_path, prefix="") as base:
        assert sorted(set(dialogs_when_used(chromium, base + "p.html"))) == ["1", "2"]
