"""Search as you type (Pagefind, tools/extensions/search.py) and its fallbacks.

The build tests use the small test course; the browser tests use the real
site served under /course/ as hosted, in Debian's Chromium. The bytes a first
query transfers are written to build/reports/search-first-query.json.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from helpers import build, copy_root, main_text, soup
from tools.course.corpus import scan_articles
from tools.course.specification import coverage, load_specifications, specifications_folder
from tools.course.taxonomy import load_taxonomy
from tools.extensions.search import COPIES_DIR, shard_count, shard_of
from tools.outputs.offline import offline_zip
from tools.outputs.searchprobe import chromium, first_query, served, type_query

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "build" / "reports"
CHROMIUM = "/usr/bin/chromium"
#: How many results search.js draws at once.
SHOWN = int(
    re.search(
        r"const SHOWN = (\d+);",
        (ROOT / "tools" / "extensions" / "static" / "search.js").read_text(encoding="utf-8"),
    ).group(1)  # type: ignore[union-attr]
)


def in_browser(test: Any) -> Any:
    """A slow test in Debian's Chromium."""
    needs = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
    return pytest.mark.slow(needs(test))


def index_files(site: Path) -> dict[str, bytes]:
    folder = site / "pagefind"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def cbor(data: bytes, at: int = 0) -> tuple[Any, int]:
    """One CBOR item of Pagefind's files (integers, strings, arrays, maps) and where it ends."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        arg = info
    else:
        size = 1 << (info - 24)
        arg, at = int.from_bytes(data[at : at + size], "big"), at + size
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        raw = data[at : at + arg]
        return (raw.decode() if major == 3 else raw), at + arg
    items = []
    for _ in range(arg * (2 if major == 5 else 1)):
        item, at = cbor(data, at)
        items.append(item)
    if major == 5:
        return dict(zip(items[::2], items[1::2], strict=True)), at
    assert major == 4, f"CBOR major type {major} is not used by Pagefind"
    return items, at


def decoded(raw: bytes) -> Any:
    data = gzip.decompress(raw)
    assert data.startswith(b"pagefind_dcd")
    return cbor(data, len(b"pagefind_dcd"))[0]


def index_content(site: Path) -> dict[str, Any]:
    """The index as data: every file byte for byte, except where Pagefind's order is arbitrary.

    Pagefind writes a filter's values in hash-map order (a different order on
    each run, even of the same site), and names each filter file and the
    metadata file by a hash of its bytes. So filter files are compared by
    their filter's name with values sorted, and those hashes are left out.
    Each shard (the primary in ``pagefind/``, the others in ``pagefind/shards/<n>/``)
    is keyed by its folder.
    """
    content: dict[str, Any] = {}
    for shard, files in shard_files(site).items():
        renamed: dict[str, str] = {}
        for name, raw in files.items():
            if name.startswith("filter/"):
                key, values = decoded(raw)
                content[f"{shard}filter:{key}"] = sorted(map(repr, values))
                renamed[name.removeprefix("filter/").removesuffix(".pf_filter")] = f"filter:{key}"
        for name, raw in files.items():
            if name.endswith(".pf_meta"):
                version, chunks, fragments, filters, *rest = decoded(raw)
                named = sorted(renamed[hashed] for _, hashed in filters)
                content[f"{shard}meta"] = [version, chunks, fragments, named, *rest]
            elif name == "pagefind-entry.json":
                entry = json.loads(raw)
                for language in entry["languages"].values():
                    del language["hash"]
                content[shard + name] = entry
            elif not name.startswith("filter/"):
                content[shard + name] = raw
    return content


def shard_files(site: Path) -> dict[str, dict[str, bytes]]:
    """The index's files by shard folder ("" for the primary, "shards/<n>/" for the others),
    named within it."""
    shards: dict[str, dict[str, bytes]] = {}
    for name, raw in index_files(site).items():
        match = re.match(r"(shards/\d+/)?(.*)", name)
        assert match is not None
        shards.setdefault(match.group(1) or "", {})[match.group(2)] = raw
    return shards


# --- The index, built with the site -------------------------------------------------


def test_articles_are_indexed_by_their_body_with_metadata_and_filters(
    make_app: Any, tmp_path: Path
) -> None:
    app = build(make_app, copy_root(tmp_path, "course"))
    page = soup(app, "articles/remembering.html")
    body = page.select_one("[data-pagefind-body]")
    assert body is not None and body.find("h1") is not None
    assert page.select_one(".sidebar-drawer [data-pagefind-body]") is None
    meta = {
        tag["data-pagefind-meta"].split(":", 1)[0] for tag in body.select("[data-pagefind-meta]")
    }
    assert {"kind", "level", "course", "category"} <= meta
    filters = {tag["data-pagefind-filter"] for tag in body.select("[data-pagefind-filter]")}
    assert any(f.startswith("level:") for f in filters)
    assert any(f.startswith("category:") for f in filters)
    # The search page and the glossary page as a whole are not indexed (terms are records).
    assert soup(app, "search.html").select_one("[data-pagefind-body]") is None
    assert soup(app, "glossary.html").select_one("[data-pagefind-body]") is None
    files = index_files(Path(app.outdir))
    assert "pagefind.js" in files and "pagefind-entry.json" in files
    assert any(name.startswith("index/") for name in files)
    assert not any(name.startswith("pagefind-ui") for name in files)  # unused, not shipped


QUIZ = """
## Check yourself

::::::{quiz}

:::::{choice} Which store keeps information for years?
:objectives: 1
:label: store

::::{option} Long-term memory
:correct:
QUIZ-FEEDBACK-RIGHT about the long-term store.
::::

::::{option} DISTRACTOR-OPTION sensory register
QUIZ-FEEDBACK-WRONG about the sensory register.
::::
:::::
::::::
"""


def test_answers_and_quizzes_are_not_in_the_index(make_app: Any, tmp_path: Path) -> None:
    """A result's excerpt never shows a model answer or a quiz (the page itself still has them)."""
    src = copy_root(tmp_path, "course")
    page = src / "articles" / "remembering.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("::::{question}", QUIZ + "\n::::{question}", 1), encoding="utf-8")
    app = build(make_app, src)
    answer = "The ability to keep information over time."
    shown = main_text(app, "articles/remembering.html")
    assert answer in shown and "DISTRACTOR-OPTION" in shown
    fragments = [
        gzip.decompress(raw)
        for name, raw in index_files(Path(app.outdir)).items()
        if name.startswith("fragment/")
    ]
    assert fragments and any(b"Remembering" in f for f in fragments)
    for hidden in (answer, "DISTRACTOR-OPTION", "QUIZ-FEEDBACK"):
        assert not any(hidden.encode() in f for f in fragments), hidden


def test_listings_are_weighted_below_articles(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, copy_root(tmp_path, "course"))
    listing = soup(app, "browse/levels/junior.html").select_one("[data-pagefind-body]")
    article = soup(app, "articles/remembering.html").select_one("[data-pagefind-body]")
    assert listing is not None and article is not None
    assert float(listing["data-pagefind-weight"]) < 1
    assert "data-pagefind-weight" not in article.attrs


def test_suggestion_words_and_filter_labels_are_written(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, copy_root(tmp_path, "course"))
    folder = Path(app.outdir) / "pagefind"
    words = json.loads((folder / "course-words.json").read_text(encoding="utf-8"))["words"]
    title = soup(app, "articles/remembering.html").find("h1").get_text()
    assert {w.lower() for w in words} >= {
        w.lower().strip("¶") for w in title.split() if len(w.strip("¶")) > 2
    }
    labels = json.loads((folder / "course-filters.json").read_text(encoding="utf-8"))
    assert set(labels) == {"level", "course", "category", "topic", "spec"}
    assert labels["level"]["junior"]
    assert labels["spec"] == {}  # this course has no exam specification: the filter is hidden


def test_every_page_loads_search_js_and_the_policy_allows_its_webassembly(
    make_app: Any, tmp_path: Path
) -> None:
    app = build(make_app, copy_root(tmp_path, "course"))
    page = soup(app, "articles/remembering.html")
    assert page.select_one('script[src*="_static/search.js"]') is not None
    policy = page.select_one('meta[http-equiv="Content-Security-Policy"]')
    assert policy is not None and "'wasm-unsafe-eval'" in policy["content"]
    assert "'unsafe-eval'" not in policy["content"].replace("'wasm-unsafe-eval'", "")


def test_incremental_build_leaves_the_index_a_fresh_build_writes(
    make_app: Any, tmp_path: Path
) -> None:
    src = copy_root(tmp_path, "course")
    build(make_app, src)
    page = src / "articles" / "remembering.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\nA new sentence about hippocampus.\n", "utf-8"
    )
    incremental = build(make_app, src)
    fresh_src = tmp_path / "fresh"
    shutil.copytree(src, fresh_src, ignore=shutil.ignore_patterns("_build", "browse"))
    fresh = build(make_app, fresh_src, freshenv=True)
    ours, theirs = index_content(Path(incremental.outdir)), index_content(Path(fresh.outdir))
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []
    assert any(key.startswith("filter:") for key in ours)


def test_a_rebuild_that_changes_no_page_keeps_the_index(make_app: Any, tmp_path: Path) -> None:
    """Indexing is the costly step of a no-change rebuild: it is skipped, the files stay."""
    src = copy_root(tmp_path, "course")
    first = build(make_app, src)
    folder = Path(first.outdir) / "pagefind"
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    again = build(make_app, src)
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} == before
    assert "no page changed" in again._status.getvalue()
    # A page that changes makes a new index.
    page = src / "articles" / "remembering.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", "utf-8")
    build(make_app, src)
    entry = folder / "pagefind-entry.json"
    assert entry.stat().st_mtime_ns != before[entry]


def _stamps(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_a_body_edit_re_indexes_only_the_shards_of_the_pages_it_changes(
    make_app: Any, tmp_path: Path
) -> None:
    """With small shards, editing one page rewrites the shards of the pages the build rewrote
    (the page, and listings that show it) and no other shard's files; the index is still
    the one a fresh build writes."""
    small = {"course_search_shard_pages": 4}
    src = copy_root(tmp_path, "course")
    first = build(make_app, src, confoverrides=small)
    index = Path(first.outdir) / "pagefind"
    copies = Path(first.doctreedir) / COPIES_DIR
    count = shard_count(len(_stamps(copies)), 4)
    listed = json.loads((index / "course-shards.json").read_text(encoding="utf-8"))
    assert len(listed) >= 2  # several shards besides the primary
    pages, files = _stamps(copies), _stamps(index)
    page = src / "articles" / "remembering.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence about engrams.\n", "utf-8")
    incremental = build(make_app, src, confoverrides=small)

    def shard(path: Path) -> int:
        """The shard an index file belongs to."""
        match = re.match(r"shards/(\d+)/", path.relative_to(index).as_posix())
        return int(match.group(1)) if match else 0

    rewritten = {
        shard_of(p.relative_to(copies).as_posix().removesuffix(".html"), count)
        for p, stamp in _stamps(copies).items()
        if pages.get(p) != stamp
    }
    assert shard_of("articles/remembering", count) in rewritten
    now = _stamps(index)
    touched = {shard(p) for p in set(files) | set(now) if files.get(p) != now.get(p)}
    assert touched == rewritten  # changed, added or removed files: those shards' only
    assert {shard(p) for p in files} - rewritten  # some shard was left alone
    fresh_src = tmp_path / "fresh"
    shutil.copytree(src, fresh_src, ignore=shutil.ignore_patterns("_build", "browse"))
    fresh = build(make_app, fresh_src, freshenv=True, confoverrides=small)
    ours, theirs = index_content(Path(incremental.outdir)), index_content(Path(fresh.outdir))
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []


def test_a_new_shard_size_re_indexes_every_shard_and_leaves_none_of_the_old(
    make_app: Any, tmp_path: Path
) -> None:
    src = copy_root(tmp_path, "course")
    build(make_app, src, confoverrides={"course_search_shard_pages": 4})
    again = build(make_app, src)  # the default: this small site is one shard
    index = Path(again.outdir) / "pagefind"
    assert json.loads((index / "course-shards.json").read_text(encoding="utf-8")) == []
    assert not (index / "shards").exists()
    fresh_src = tmp_path / "fresh"
    shutil.copytree(src, fresh_src, ignore=shutil.ignore_patterns("_build", "browse"))
    fresh = build(make_app, fresh_src, freshenv=True)
    assert index_content(Path(again.outdir)) == index_content(Path(fresh.outdir))


def test_the_published_site_has_one_index_whatever_the_shard_size(
    make_app: Any, tmp_path: Path
) -> None:
    """`make site` asks for one index: a reader's first query then fetches one word chunk."""
    src = copy_root(tmp_path, "course")
    one = {"course_search_shard_pages": 4, "course_search_one_index": True}
    app = build(make_app, src, confoverrides=one)
    index = Path(app.outdir) / "pagefind"
    assert json.loads((index / "course-shards.json").read_text(encoding="utf-8")) == []
    assert not (index / "shards").exists()
    build(make_app, src, confoverrides={"course_search_shard_pages": 4})  # as make html
    assert len(json.loads((index / "course-shards.json").read_text(encoding="utf-8"))) > 1
    assert (index / "shards").is_dir()


def test_offline_zip_has_the_site_and_sphinx_search_but_not_pagefind(
    make_app: Any, tmp_path: Path
) -> None:
    app = build(make_app, copy_root(tmp_path, "course"))
    archive = offline_zip(Path(app.outdir), tmp_path / "offline", "course")
    names = set(zipfile.ZipFile(archive).namelist())
    assert {"course/index.html", "course/search.html", "course/searchindex.js"} <= names
    assert not any(name.startswith("course/pagefind/") for name in names)
    again = offline_zip(Path(app.outdir), tmp_path / "again", "course")
    assert again.read_bytes() == archive.read_bytes()  # reproducible


def test_offline_without_a_site_is_a_message(tmp_path: Path, capsys: Any) -> None:
    from tools.outputs.offline import main

    assert main(["--site", str(tmp_path / "nothing"), "--out", str(tmp_path / "out")]) == 1
    assert "no built site here" in capsys.readouterr().err


# --- In the browser, on the real site -------------------------------------------------


@pytest.fixture(scope="module")
def site(real_site: tuple[Any, Path]) -> Path:
    done, html = real_site
    assert done.returncode == 0, done.stderr[-2000:]
    return html


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == []


def result_links(tab: Any) -> list[str]:
    return [a.get_attribute("href") for a in tab.locator(".course-search-link").all()]


@in_browser
def test_a_filter_finds_its_pages_in_every_shard(make_app: Any, tmp_path: Path, page: Any) -> None:
    """With small shards, a level's pages are found whichever shard holds them, with the
    site's URLs under the sub-path it is served from."""
    app = build(
        make_app, copy_root(tmp_path, "course"), confoverrides={"course_search_shard_pages": 4}
    )
    copies = Path(app.doctreedir) / COPIES_DIR
    texts = {
        p.relative_to(copies).as_posix().removesuffix(".html"): p.read_text(encoding="utf-8")
        for p in copies.rglob("*.html")
    }
    count = shard_count(len(texts), 4)
    by_level: dict[str, set[str]] = {}
    for docname, text in texts.items():
        for level in re.findall(r'data-pagefind-filter="level:([^"]+)"', text):
            by_level.setdefault(level, set()).add(docname)
    level, docnames = max(
        sorted(by_level.items()), key=lambda item: len({shard_of(d, count) for d in item[1]})
    )
    assert len({shard_of(d, count) for d in docnames}) > 1  # the level's pages are spread
    with served(Path(app.outdir)) as base:
        page.goto(base + f"index.html?level={level}")
        status = page.locator("#course-search-panel-1 .course-search-status")
        page.wait_for_function(
            "() => /^\\d+ result/.test(document.querySelector("
            "'#course-search-panel-1 .course-search-status').textContent)",
            timeout=15000,
        )
        assert status.inner_text().startswith(f"{len(docnames)} result")
        root = urlsplit(base).path  # the sub-path the site is served under
        wanted = {
            root + (d.removesuffix("index") if d.endswith("index") else d + ".html")
            for d in docnames
        }
        assert set(result_links(page)) <= wanted and result_links(page)


@in_browser
def test_typing_shows_results_before_enter(page: Any, base_url: str) -> None:
    page.goto(base_url + "articles/therapeutic-alliance.html")
    type_query(page, "memory")
    page.locator(".course-search-result").first.wait_for(timeout=15000)
    assert page.url.split("?")[0].endswith("articles/therapeutic-alliance.html")  # no Enter
    first = page.locator(".course-search-result").first
    assert "/articles/" in first.locator("a").get_attribute("href")  # an article ranks first
    assert first.locator(".course-search-level").inner_text()  # its level badge
    assert "›" in first.locator(".course-search-trail").inner_text()  # course › category
    assert "memory" in first.locator("mark").first.inner_text().lower()  # the match, marked
    assert "memory" in page.locator(".course-search-status").inner_text()  # announced
    assert page.locator(".course-search-status").get_attribute("aria-live") == "polite"


@in_browser
def test_level_filter_keeps_only_that_level_and_is_in_the_url(page: Any, base_url: str) -> None:
    page.goto(base_url + "index.html")
    type_query(page, "memory")
    page.locator(".course-search-result").first.wait_for(timeout=15000)
    levels_before = set(page.locator(".course-search-level").all_inner_texts())
    page.select_option("#course-search-panel-1 select[name=level]", "year-10")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.course-search-level')].length > 0 && "
        "[...document.querySelectorAll('.course-search-level')].every("
        "e => e.textContent.startsWith('Year 10'))",
        timeout=15000,
    )
    shown = set(page.locator(".course-search-level").all_inner_texts())
    assert len(levels_before) > 1 and len(shown) == 1
    assert "level=year-10" in page.url and "q=memory" in page.url
    # The URL is shareable: opening it shows the same filtered results.
    shared = page.url
    page.goto(shared)
    page.locator(".course-search-result").first.wait_for(timeout=15000)
    assert page.locator("#course-search-panel-1 select[name=level]").input_value() == "year-10"
    assert set(page.locator(".course-search-level").all_inner_texts()) == shown


def _taught_by_point() -> dict[str, set[str]]:
    """Specification point id -> the slugs of the real articles that list it."""
    taxonomy = ROOT / "conf" / "taxonomy.yaml"
    articles = scan_articles(ROOT / "docs")
    taught: dict[str, set[str]] = {}
    for spec in load_specifications(specifications_folder(taxonomy), load_taxonomy(taxonomy)):
        pairs = [
            (a.slug, a.front_matter.data.get("spec", []) if a.front_matter else [])
            for a in articles
        ]
        for number, slugs in coverage(spec, pairs).taught.items():
            taught[f"{spec.id}:{number}"] = set(slugs)
    return taught


@in_browser
def test_specification_point_filter_lists_the_articles_teaching_it(
    page: Any, base_url: str
) -> None:
    """A teacher's link to one content point shows the articles that teach it, and only those."""
    taught = _taught_by_point()
    # The point taught by the most articles that one screen of results still shows whole.
    point, slugs = max(
        ((p, s) for p, s in sorted(taught.items()) if 0 < len(s) <= SHOWN), key=lambda i: len(i[1])
    )
    page.goto(base_url + f"index.html?spec={point}")
    page.wait_for_function(
        f"() => document.querySelectorAll('.course-search-result').length === {len(slugs)}",
        timeout=15000,
    )
    shown = {href.rsplit("/", 1)[-1].split(".html")[0] for href in result_links(page)}
    assert shown == slugs
    select = page.locator("#course-search-panel-1 select[name=spec]")
    assert select.is_visible() and select.input_value() == point
    assert f"spec={point.replace(':', '%3A')}" in page.url or f"spec={point}" in page.url


@in_browser
def test_a_misspelling_suggests_the_word_and_shows_its_results(page: Any, base_url: str) -> None:
    page.goto(base_url + "index.html")
    type_query(page, "Piagt")
    suggestion = page.locator("#course-search-panel-1 .course-search-suggestion")
    suggestion.wait_for(state="visible", timeout=15000)
    assert "Did you mean Piaget?" in suggestion.inner_text()
    page.locator(".course-search-result").first.wait_for(timeout=15000)
    assert any("piagets-stages" in href for href in result_links(page))


@in_browser
def test_keyboard_only(page: Any, base_url: str) -> None:
    page.goto(base_url + "index.html")
    box = page.locator("input.sidebar-search")
    box.focus()
    page.keyboard.type("conformity")
    page.locator(".course-search-result").first.wait_for(timeout=15000)
    assert page.locator("#course-search-panel-1").is_visible()
    page.keyboard.press("ArrowDown")
    links = page.locator(".course-search-link")
    assert links.nth(0).evaluate("e => e === document.activeElement")
    page.keyboard.press("ArrowDown")
    assert links.nth(1).evaluate("e => e === document.activeElement")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert box.evaluate("e => e === document.activeElement")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert page.locator("#course-search-panel-1").is_hidden()
    assert box.evaluate("e => e === document.activeElement")
    # Enter reaches the full results page (Sphinx's search), which finds it too.
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=conformity*")
    page.locator("#search-results li a").first.wait_for(timeout=15000)
    # Tab from the box reaches the filters and results in order.
    page.goto(base_url + "index.html")
    page.locator("input.sidebar-search").focus()
    page.keyboard.type("memory")
    page.locator(".course-search-result").first.wait_for(timeout=15000)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "level"
    # Every filter shown (the specification filter too, where the site has one), in order.
    shown = page.locator("#course-search-panel-1 select:visible")
    names = [shown.nth(i).get_attribute("name") for i in range(shown.count())]
    assert names[:4] == ["level", "course", "category", "topic"]
    for name in names[1:]:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == name
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('course-search-link')")
    target = page.evaluate("document.activeElement.href")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == target


@in_browser
def test_axe_with_the_results_open(browser: Any, base_url: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    found: list[str] = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        tab.goto(base_url + "articles/therapeutic-alliance.html")
        tab.evaluate(f"document.body.dataset.theme = '{scheme}'")
        type_query(tab, "memory")
        tab.locator(".course-search-result").first.wait_for(timeout=15000)
        results = Axe().run(tab)
        found += [
            f"{scheme}: {v['id']} ({v['impact']}): {v['help']} e.g. {v['nodes'][0]['html'][:160]}"
            for v in results.response["violations"]
        ]
        context.close()
    assert found == [], "\n".join(found)


@in_browser
def test_without_our_script_the_box_reaches_sphinx_search(browser: Any, base_url: str) -> None:
    context = browser.new_context()
    context.route("**/_static/search.js*", lambda route: route.abort())
    context.route("**/pagefind/**", lambda route: route.abort())
    tab = context.new_page()
    tab.goto(base_url + "index.html")
    tab.fill("input.sidebar-search", "conformity")
    tab.press("input.sidebar-search", "Enter")
    tab.wait_for_url("**/search.html?q=conformity*")
    tab.locator("#search-results li a").first.wait_for(timeout=15000)
    hrefs = [a.get_attribute("href") for a in tab.locator("#search-results li a").all()]
    assert any("conformity-and-obedience" in h for h in hrefs)
    assert tab.locator(".course-search-panel").count() == 0
    context.close()


@in_browser
def test_offline_zip_search_works_from_file(browser: Any, site: Path, tmp_path: Path) -> None:
    archive = offline_zip(site, tmp_path, "course")
    zipfile.ZipFile(archive).extractall(tmp_path / "unzipped")
    home = (tmp_path / "unzipped" / "course" / "index.html").as_uri()
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(home)
    tab.fill("input.sidebar-search", "conformity")
    tab.press("input.sidebar-search", "Enter")
    tab.wait_for_url("**/search.html?q=conformity*")
    tab.locator("#search-results li a").first.wait_for(timeout=15000)
    first = tab.locator("#search-results li a").first
    assert "conformity-and-obedience" in first.get_attribute("href")
    first.click()
    tab.wait_for_url("**/articles/conformity-and-obedience.html*")
    assert "Conformity" in tab.locator("h1").inner_text()
    context.close()


@in_browser
def test_first_query_transfer(browser: Any, base_url: str) -> None:
    """What the first query costs: no whole-corpus index, and bytes within the issue's budget.

    Measured as served (raw) and as a host that compresses text would send it
    (tools/outputs/searchprobe.py, the measurement ``make bench`` reports too).
    """
    found = first_query(browser, base_url, "articles/therapeutic-alliance.html", "memory")
    assert found.files and not any("searchindex.js" in url for url in found.files)
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "search-first-query.json").write_text(json.dumps(found.report(), indent=2))
    assert found.compressed_kb <= 150, found.report()
