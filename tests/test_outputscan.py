"""The last line of defence: the output scan, the Content-Security-Policy, symlinks.

Unit tests feed written pages to the scanner; build tests check that every
page carries the policy, that a clean site passes, that unsafe output fails
the build (exit code 1 even without -W) naming file:line, and, in Chromium,
that the site still works under the policy (theme toggle, search, answers)
with no request to another site.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import build, copy_root, soup, warnings
from tools.course.sourcetree import (
    exclude_patterns,
    is_linked,
    symlink_problems,
    undecodable_pages,
)
from tools.outputs.searchprobe import served

CHROMIUM = "/usr/bin/chromium"
THEME_SCRIPT = (
    '\n      document.body.dataset.theme = localStorage.getItem("theme") || "auto";\n    '
)


def scan(tmp_path: Path, body: str, name: str = "page.html", inline: str = "") -> list[str]:
    from tools.extensions.outputscan import scan_file, script_hash

    site = tmp_path / "site"
    (site / "_static").mkdir(parents=True, exist_ok=True)
    (site / "_static" / "ours.js").write_text("", encoding="utf-8")
    page = site / name
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"<!doctype html>\n<html><body>\n{body}\n</body></html>\n", encoding="utf-8")
    hashes = frozenset({script_hash(inline)}) if inline else frozenset()
    return [f"{p.line}: {p.message}" for p in scan_file(page, site, hashes)]


@pytest.mark.parametrize(
    "body",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="\x01javascript:alert(1)">x</a>',
        '<a href=" java\tscript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="JAVASCRIPT:alert(1)">x</a>',
        '<area shape="rect" coords="0,0,1,1" href="javascript:alert(1)">',
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
        '<form action="javascript:alert(1)"></form>',
        '<button formaction="data:text/html,x">x</button>',
        '<object data="file:///etc/passwd"></object>',
        '<video poster="vbscript:x"></video>',
        '<img src="file:///etc/hostname" alt="">',
        '<img src="x" alt="" onerror="alert(1)">',
        '<div onclick="alert(1)">x</div>',
        "<script>alert(1)</script>",
        '<script src="https://cdn.example.org/mathjax.js"></script>',
        '<script src="//cdn.example.org/x.js"></script>',
        '<script src="_static/missing.js"></script>',
        '<script src="elsewhere.js"></script>',
        '<iframe src="https://example.org/"></iframe>',
        '<embed src="x.swf">',
        '<base href="https://example.org/">',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<img src="https://tracker.example.org/p.png" alt="">',
        '<link rel="stylesheet" href="https://fonts.example.org/font.css">',
        '<svg><a href="#"><set attributeName="href" to="javascript:alert(1)"/>x</a></svg>',
    ],
)
def test_scan_finds_unsafe_output_at_its_line(tmp_path: Path, body: str) -> None:
    found = scan(tmp_path, body)
    assert found and found[0].startswith("3: "), found


@pytest.mark.parametrize(
    "body",
    [
        '<a href="https://example.org/">x</a> <a href="mailto:a@example.org">m</a>',
        '<a href="../other.html#part">x</a> <a href="#top">t</a>',
        '<script src="_static/ours.js?v=1"></script>',
        '<img src="_images/figure.png" alt="">',
        '<link rel="canonical" href="https://example.org/course/page.html">',
        '<meta property="og:image" content="https://example.org/x.png">',
        '<form action="search.html" method="get"><input name="q"></form>',
        "<p>javascript: is only text here, onclick too</p>",
        '<a href="javascript-basics.html">a page whose name starts with javascript</a>',
    ],
)
def test_scan_passes_what_the_site_writes(tmp_path: Path, body: str) -> None:
    assert scan(tmp_path, body) == []


def test_inline_script_allowed_only_by_its_hash(tmp_path: Path) -> None:
    assert scan(tmp_path, f"<script>{THEME_SCRIPT}</script>", inline=THEME_SCRIPT) == []
    changed = THEME_SCRIPT.replace("auto", "dark")
    assert scan(tmp_path, f"<script>{changed}</script>", inline=THEME_SCRIPT)


def test_script_in_a_subfolder_resolves_against_its_page(tmp_path: Path) -> None:
    assert scan(tmp_path, '<script src="../_static/ours.js"></script>', "a/p.html") == []
    assert scan(tmp_path, '<script src="_static/ours.js"></script>', "a/p.html")


def test_repeated_markup_is_still_checked_where_it_differs(tmp_path: Path) -> None:
    """The scan skips pieces it has already seen clean; a piece that differs is parsed."""
    from tools.extensions.outputscan import scan_site

    site = tmp_path / "site"
    nav = "".join(f'<li><a href="p{i}.html">Page {i}</a></li>' for i in range(50))
    for i in range(20):
        bad = '<a href="javascript:alert(1)">x</a>' if i == 17 else ""
        (site / "a").mkdir(parents=True, exist_ok=True)
        (site / "a" / f"p{i}.html").write_text(
            f"<html><body>\n<ul>{nav}</ul>\n{bad}\n</body></html>\n", encoding="utf-8"
        )
    found = scan_site(site, frozenset(), jobs=2)
    assert [(p.path.name, p.line) for p in found] == [("p17.html", 3)]


def test_a_cached_scan_parses_only_changed_files_and_keeps_earlier_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An incremental build rescans what it rewrote; a bad page stays an error until fixed."""
    from tools.extensions import outputscan

    site = tmp_path / "site"
    site.mkdir()
    for i in range(6):
        bad = '<a href="javascript:alert(1)">x</a>' if i == 4 else ""
        (site / f"p{i}.html").write_text(f"<p>page {i}</p>\n{bad}\n", encoding="utf-8")
    cache = outputscan.ScanCache(outputscan.cache_key(frozenset()))
    first = outputscan.scan_site(site, frozenset(), cache=cache)
    parsed: list[str] = []
    real = outputscan._scan_batch
    monkeypatch.setattr(
        outputscan,
        "_scan_batch",
        lambda batch, *a: parsed.extend(p.name for p in batch) or real(batch, *a),
    )
    stored = tmp_path / "cache.json"
    cache.save(stored)
    again = outputscan.ScanCache.load(stored, outputscan.cache_key(frozenset()))
    assert outputscan.scan_site(site, frozenset(), cache=again) == first
    assert parsed == []  # nothing changed: nothing parsed, the problem still reported
    (site / "p2.html").write_text('<p>changed</p>\n<a href="javascript:x">y</a>\n', "utf-8")
    (site / "p4.html").write_text("<p>fixed</p>\n", encoding="utf-8")
    (site / "p5.html").unlink()
    found = outputscan.scan_site(site, frozenset(), cache=again)
    assert sorted(parsed) == ["p2.html", "p4.html"]
    assert [(p.path.name, p.line) for p in found] == [("p2.html", 2)]
    assert sorted(again.files) == [f"p{i}.html" for i in range(5)]
    # Other rules or other allowed scripts: the cache is not used.
    assert outputscan.ScanCache.load(stored, outputscan.cache_key(frozenset({"x"}))).files == {}


def test_active_downloads_are_reported(tmp_path: Path) -> None:
    from tools.extensions.outputscan import scan_site

    folder = tmp_path / "site" / "_downloads" / "abc"
    folder.mkdir(parents=True)
    (folder / "page.html").write_text("<p>hi</p>", encoding="utf-8")
    (folder / "data.csv").write_text("a,b\n", encoding="utf-8")
    found = scan_site(tmp_path / "site", frozenset())
    assert [p.path.name for p in found] == ["page.html"]


def test_theme_inline_scripts_come_from_the_templates() -> None:
    import furo as furo_package
    import sphinx

    from tools.extensions.outputscan import script_hash, theme_inline_scripts

    furo = Path(furo_package.__file__).parent / "theme" / "furo"
    basic = Path(sphinx.__file__).parent / "themes" / "basic"
    assert script_hash(THEME_SCRIPT) in theme_inline_scripts([str(furo), str(basic)])


# -- builds ------------------------------------------------------------------------


def test_every_page_carries_the_policy_and_the_clean_site_passes(
    make_app: Callable[..., Any], tmp_path: Path
) -> None:
    app = build(make_app, copy_root(tmp_path, "course"))  # the scan would raise
    outdir = Path(app.outdir)
    pages = sorted(outdir.rglob("*.html"))
    assert pages
    for page in pages:
        rel = str(page.relative_to(outdir))
        head = soup(app, rel).head
        assert head is not None, rel
        meta = head.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta is not None, rel
        policy = str(meta["content"])
        assert "script-src 'self' 'sha256-" in policy
        assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
        assert "object-src 'none'" in policy and "frame-src 'none'" in policy
        # The policy comes before any script, or it would not govern it.
        first_script = head.find("script")
        if first_script is not None:
            assert str(head).index("Content-Security-Policy") < str(head).index("<script")


def test_policy_can_be_turned_off_for_the_browser_tests_only(
    make_app: Callable[..., Any], tmp_path: Path
) -> None:
    app = build(make_app, copy_root(tmp_path, "course"), confoverrides={"course_csp": False})
    assert soup(app, "index.html").find("meta", attrs={"http-equiv": True}) is None


def _conf_with(src: Path, line: str) -> None:
    conf = src / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def test_unsafe_output_fails_the_build_naming_the_page(
    make_app: Callable[..., Any], tmp_path: Path
) -> None:
    src = copy_root(tmp_path, "course")
    _conf_with(src, 'html_js_files = ["https://cdn.example.org/tracker.js"]')
    app = build(make_app, src)
    assert app.statuscode == 1
    index = Path(app.outdir) / "index.html"
    found = [line for line in warnings(app).splitlines() if f"{index}:" in line]
    assert found and "cdn.example.org/tracker.js" in found[0], warnings(app)
    assert "[course.unsafe_output]" in found[0]


def test_unsafe_output_exits_non_zero_without_w(tmp_path: Path) -> None:
    """Read the Docs builds without -W: the scan still stops the publication."""
    src = copy_root(tmp_path, "course")
    _conf_with(src, 'html_js_files = [(None, {"body": "alert(1)"})]')
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "index.html:" in done.stderr and "inline <script>" in done.stderr
    assert "Traceback" not in done.stderr


# -- symlinks ------------------------------------------------------------------------


def test_symlinks_are_found_without_following_them(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "articles").mkdir(parents=True)
    (docs / "articles" / "real.md").write_text("# Real\n", encoding="utf-8")
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "inner.md").write_text("# Inner\n", encoding="utf-8")
    (docs / "articles" / "env.md").symlink_to("/proc/self/environ")
    (docs / "linked").symlink_to(outside / "deep")
    (docs / "dangling.md").symlink_to(tmp_path / "missing.md")
    found = symlink_problems(docs)
    assert [p.relative_to(docs).as_posix() for p, _ in found] == [
        "articles/env.md",
        "dangling.md",
        "linked",
    ]
    assert "/proc/self/environ" in found[0][1]
    assert exclude_patterns(docs, [found[0][0]]) == ["articles/env.md", "articles/env.md/**"]
    assert is_linked(docs, docs / "linked" / "inner.md")
    assert is_linked(docs, Path("articles/env.md"))
    assert not is_linked(docs, docs / "articles" / "real.md")
    assert is_linked(docs, tmp_path / "elsewhere.md")


def test_pages_that_are_not_utf8_are_found(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "fine.md").write_text("# Café\n", encoding="utf-8")
    (docs / "bom.md").write_bytes("\ufeff# Fine\n".encode())
    (docs / "latin.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    (docs / "image.png").write_bytes(b"\x89PNG\xff")
    assert undecodable_pages(docs) == [docs / "latin.md"]


def test_pages_found_clean_are_read_again_only_when_they_change(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "fine.md").write_text("# Café\n", encoding="utf-8")
    (docs / "latin.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    known: dict[str, list[int]] = {}
    assert undecodable_pages(docs, known=known) == [docs / "latin.md"]
    assert list(known) == ["fine.md"]
    # A page known clean at its size and time is not read again ...
    stat = (docs / "latin.md").stat()
    assumed = {**known, "latin.md": [stat.st_mtime_ns, stat.st_size]}
    assert undecodable_pages(docs, known=assumed) == []
    # ... and one that changed is, whatever it was before.
    (docs / "fine.md").write_bytes("# Caf\xe9 au lait\n".encode("latin-1"))
    assert undecodable_pages(docs, known=known) == [docs / "fine.md", docs / "latin.md"]
    assert known == {}


# -- the site still works under the policy ------------------------------------------------


@pytest.fixture
def site_url(make_app: Callable[..., Any], tmp_path: Path) -> Iterator[str]:
    app = build(make_app, copy_root(tmp_path, "course"))
    with served(Path(app.outdir), prefix="") as url:
        yield url


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_site_works_under_the_policy_with_no_third_party_request(site_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        violations: list[str] = []
        foreign: list[str] = []
        tab.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        tab.on(
            "request",
            lambda r: None if r.url.startswith(site_url) else foreign.append(r.url),
        )
        tab.goto(site_url + "articles/remembering.html")
        before = tab.evaluate("document.body.dataset.theme")
        assert before  # the inline theme script ran under the policy
        tab.locator(".theme-toggle:visible").first.click()
        assert tab.evaluate("document.body.dataset.theme") != before
        details = tab.locator("article details summary")
        if details.count():
            details.first.click()
            assert tab.locator("article details[open]").count() == 1
        tab.goto(site_url + "search.html?q=memory")
        tab.wait_for_selector("#search-results li", timeout=10_000)
        assert violations == []
        assert foreign == []
        browser.close()
