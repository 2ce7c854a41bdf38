"""The ``data-figure`` directive (issue 18): charts from a CSV in docs/, as a reader meets them.

One shared build of tests/roots/test-data-figure shows the three chart types
(bar, line, scatter) with error bars as inline SVG, their alt text, caption,
cited source and data table. A second site holds broken and hostile figures:
each is an error at the page's line in the build and in ``course check``, the
other pages still build, nothing outside docs/ is read and no label is
interpreted. The cache is observed on disk (a re-read draws nothing; an edited
CSV draws again), and the handout PDF carries the charts (slow).
"""

from __future__ import annotations

import csv
import re
import secrets
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from helpers import copy_root, soup, warnings
from tools.course.checker import check_paths
from tools.course.datafigure import MAX_ROWS, FigureError, number, parse_csv
from tools.course.safety import directive_problems
from tools.course.taxonomy import load_taxonomy
from tools.extensions.datafigure import CACHE_DIR

ROOT = Path(__file__).resolve().parent / "roots" / "test-data-figure"
PAGE = "articles/figures.md"


def figures_on(src: Path, page: str) -> list[dict[str, str]]:
    """Each data-figure of a page as written: its line, CSV and options (read from the source)."""
    found: list[dict[str, str]] = []
    for number_, line in enumerate((src / page).read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(":::{data-figure}"):
            found.append({"line": str(number_), "csv": line.split("}", 1)[1].strip()})
        elif found and re.match(r"^:([a-z-]+): ?(.*)$", line) and "body" not in found[-1]:
            key, value = re.match(r"^:([a-z-]+): ?(.*)$", line).groups()  # type: ignore[union-attr]
            found[-1][key] = value
        elif found and line and not line.startswith(":::"):
            found[-1].setdefault("body", line)
    return found


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle) if row]


def charts(page: BeautifulSoup) -> list[Tag]:
    return page.select("article figure.course-datafig")


# -- the three chart types, as a reader sees them -----------------------------------------


@pytest.fixture(scope="module")
def site(make_app: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    src = copy_root(tmp_path_factory.mktemp("datafig"), "data-figure")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    return app


@pytest.fixture(scope="module")
def make_app() -> Any:  # a module-scoped twin of sphinx.testing's factory
    from sphinx.testing.util import SphinxTestApp

    apps: list[Any] = []

    def make(*args: Any, **kwargs: Any) -> Any:
        app = SphinxTestApp(*args, **kwargs)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.cleanup()


def test_each_chart_is_inline_svg_with_its_alt_caption_and_source(site: Any) -> None:
    page = soup(site, "articles/figures.html")
    written = figures_on(Path(site.srcdir), PAGE)
    shown = charts(page)
    assert len(shown) == len(written)
    for figure, spec in zip(shown, written, strict=True):
        svg = figure.select_one(".course-diagram-scroll > svg[role=img]")
        assert svg is not None and svg["aria-label"] == spec["alt"]
        assert figure.select_one("img, object, script") is None
        caption = " ".join(figure.figcaption.get_text().split())
        assert caption.startswith(
            " ".join(BeautifulSoup(spec["body"], "html.parser").text.replace("*", "").split())
        )
        if " " in spec["source"]:  # a source in words, as written
            assert f"Data: {spec['source']}" in caption
        else:  # a bibliography key, cited and linked to the reference list
            assert "Data: Tester (2020)." in caption
            assert figure.figcaption.select_one("a[href]") is not None
        # Text is text, in the theme's colour (light and dark), not the drawing's black.
        assert "currentColor" in str(svg) and "#1a1a1a" not in str(svg)
        assert svg.find("text") is not None


def test_chart_types_draw_their_data_and_error_bars(site: Any) -> None:
    page = soup(site, "articles/figures.html")
    src = Path(site.srcdir)
    for figure, spec in zip(charts(page), figures_on(src, PAGE), strict=True):
        svg = figure.select_one("svg")
        rows = csv_rows((src / "articles" / spec["csv"]).resolve())
        header, data = rows[0], rows[1:]
        texts = [t.get_text() for t in svg.find_all("text")]
        assert spec.get("x-label", spec["x"]) in texts and spec.get("y-label", spec["y"]) in texts
        ids = [g.get("id", "") for g in svg.find_all("g")]
        if spec["type"] == "bar":  # one bar per row, each category a tick label
            categories = [row[header.index(spec["x"])] for row in data]
            assert all(c in texts for c in categories)
            assert len([i for i in ids if re.search(r"-patch_\d+$", i)]) >= len(data)
        if "series" in spec:  # one legend entry per series
            series = dict.fromkeys(row[header.index(spec["series"])] for row in data)
            assert all(name in texts for name in series)
        if spec["type"] in ("line", "scatter"):
            lines = [i for i in ids if re.search(r"-line2d_\d+$", i)]
            assert lines
        if "error" in spec:  # the error bars: one segment per row
            bars = [
                g
                for g in svg.find_all("g", id=re.compile(r"-LineCollection_\d+$"))
                if g.find_parent("g", id=re.compile(r"-legend_\d+$")) is None  # not the key
            ]
            assert sum(len(g.find_all("path")) for g in bars) == len(data)


def test_data_table_beside_each_chart_has_header_cells_and_every_row(site: Any) -> None:
    page = soup(site, "articles/figures.html")
    src = Path(site.srcdir)
    tables = page.select("article details.course-datafig-data")
    specs = figures_on(src, PAGE)
    assert len(tables) == len(specs)
    for details, spec in zip(tables, specs, strict=True):
        assert details.summary.get_text(strip=True) == "Data table"
        assert not details.has_attr("open")
        rows = csv_rows((src / "articles" / spec["csv"]).resolve())
        assert [th.get_text(strip=True) for th in details.select("thead th")] == rows[0]
        assert [
            [td.get_text(strip=True) for td in tr.select("td")] for tr in details.select("tbody tr")
        ] == rows[1:]


def test_page_is_clean_and_nothing_is_drawn_into_docs(site: Any) -> None:
    assert "data-figure" not in warnings(site) and "WARNING" not in warnings(site)
    src = Path(site.srcdir)
    built = Path(site.outdir).parent  # sphinx.testing builds inside the source folder
    # The cache lives in the doctree folder, never beside the pages.
    assert [p for p in src.rglob("*.svg") if built not in p.parents] == []
    cached = list(Path(site.doctreedir, CACHE_DIR).glob("*.svg"))
    assert len(cached) == len(figures_on(src, PAGE))


def test_check_passes_the_good_page(site: Any) -> None:
    src = Path(site.srcdir)
    findings = check_paths([src / PAGE], src, load_taxonomy(src / "taxonomy.yaml"))
    assert findings == []


def test_serial_and_parallel_builds_give_the_same_page(
    site: Any, make_app: Callable[..., Any], tmp_path: Path
) -> None:
    src = copy_root(tmp_path, "data-figure")
    app = make_app("html", srcdir=src, freshenv=True, parallel=2)
    app.build()
    serial = (Path(site.outdir) / "articles/figures.html").read_text(encoding="utf-8")
    assert (Path(app.outdir) / "articles/figures.html").read_text(encoding="utf-8") == serial


def test_text_builder_gives_the_alt_text_and_the_table(
    make_app: Callable[..., Any], tmp_path: Path
) -> None:
    src = copy_root(tmp_path, "data-figure")
    app = make_app("text", srcdir=src, freshenv=True)
    app.build()
    text = (Path(app.outdir) / "articles/figures.txt").read_text(encoding="utf-8")
    for spec in figures_on(src, PAGE):
        assert f"[Chart: {spec['alt']}]" in text
        header = csv_rows((src / "articles" / spec["csv"]).resolve())[0]
        assert re.search(r"\| " + r" +\| ".join(map(re.escape, header)) + r" +\|", text)


# -- the cache, observed on disk -----------------------------------------------------------


def cache_state(app: Any) -> dict[str, tuple[int, int]]:
    folder = Path(app.doctreedir, CACHE_DIR)
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.glob("*.svg")}


def test_a_reread_draws_nothing_and_an_edited_csv_draws_again(
    make_app: Callable[..., Any], tmp_path: Path
) -> None:
    src = copy_root(tmp_path, "data-figure")
    first = make_app("html", srcdir=src, freshenv=True)
    first.build()
    before = cache_state(first)
    assert before
    again = make_app("html", srcdir=src, freshenv=True)  # every page read again
    again.build(force_all=True)
    assert cache_state(again) == before
    # Editing a CSV re-reads its page (a declared dependency) and draws that figure again.
    data = src / "data" / "points.csv"
    rows = csv_rows(data)
    data.write_text(data.read_text(encoding="utf-8") + "7,99\n", encoding="utf-8")
    edited = make_app("html", srcdir=src)
    edited.build()
    after = cache_state(edited)
    # One new drawing; the edited figure's old one is removed, the others are untouched.
    assert len(after) == len(before) and len(set(after) - set(before)) == 1
    assert {k: v for k, v in after.items() if k in before} == {
        k: v for k, v in before.items() if k in after
    }
    page = soup(edited, "articles/figures.html")
    shown = [tr.select("td")[0].get_text(strip=True) for tr in page.select("details tbody tr")]
    assert "7" in shown and len(rows) == len(csv_rows(data)) - 1
    # The incremental build gives the page a fresh build gives.
    fresh = make_app("html", srcdir=src, builddir=tmp_path / "fresh", freshenv=True)
    fresh.build()
    written = (Path(edited.outdir) / "articles/figures.html").read_text(encoding="utf-8")
    assert (Path(fresh.outdir) / "articles/figures.html").read_text(encoding="utf-8") == written


# -- broken and hostile figures --------------------------------------------------------------

BROKEN = """---
category: junior-basics
topics: [memory]
summary: Figures with mistakes.
---

# Broken Figures

:::{data-figure} ../data/recall.csv
:type: line
:x: position
:y: recall
:source: Illustrative numbers
No alt text.
:::

:::{data-figure} ../data/recall.csv
:type: line
:x: position
:y: recal
:alt: A chart of a column that is not there.
:source: Illustrative numbers
Unknown column.
:::

:::{data-figure} ../data/bad.csv
:type: scatter
:x: hours
:y: score
:alt: A chart with a bad cell.
:source: Illustrative numbers
A bad number.
:::
"""
BAD_CSV = "hours,score\n1,50\n2,n/a\n3,60\n"


def hostile_page(secret_csv: Path, marker: Path) -> str:
    return f"""---
category: junior-basics
topics: [memory]
summary: Figures as a stranger's pull request would write them.
---

# Hostile Figures

:::{{data-figure}} ../../outside/secret.csv
:type: bar
:x: name
:y: value
:alt: Escapes docs through dot-dot.
:source: Nobody at all
Outside.
:::

:::{{data-figure}} ../data/link.csv
:type: bar
:x: name
:y: value
:alt: A symbolic link out of docs.
:source: Nobody at all
Linked.
:::

:::{{data-figure}} ../data/labels.csv
:type: bar
:x: name
:y: value
:x-label: $\\input{{{secret_csv}}}$ <script>alert(1)</script>
:y-label: $\\immediate\\write18{{touch {marker}}}$
:alt: Labels that look like code.
:source: Nobody at all
Labels.
:::
"""


def hostile_refused(path: str) -> str:
    return f"""---
category: junior-basics
topics: [memory]
summary: A figure whose file is refused before the page is read.
---

# Refused Figure

:::{{data-figure}} {path}
:type: bar
:x: name
:y: value
:alt: A file that is not a CSV in docs.
:source: Nobody at all
Refused.
:::
"""


@pytest.fixture(scope="module")
def traps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("hostile-datafig")
    outside = tmp / "outside"
    outside.mkdir()
    token = f"HOSTILE-SECRET-{secrets.token_hex(8)}"
    secret = outside / "secret.csv"
    secret.write_text(f"name,value\n{token},1\n", encoding="utf-8")
    marker = outside / "MARKER-payload-ran"
    src = copy_root(
        tmp,
        "data-figure",
        files={
            "articles/broken.md": BROKEN,
            "data/bad.csv": BAD_CSV,
            "articles/hostile.md": hostile_page(secret, marker),
            "data/labels.csv": 'name,value\n"<script>alert(2)</script>",1\n$\\input{x}$,2\n',
            "articles/conf-py.md": hostile_refused("../conf/conf.py"),
            "articles/absolute.md": hostile_refused(str(secret)),
        },
    )
    (src / "data" / "link.csv").symlink_to(secret)
    assert src.parent == tmp and (src / "../outside/secret.csv").resolve() == secret
    return {"src": src, "token": token, "secret": secret, "marker": marker, "tmp": tmp}


@pytest.fixture(scope="module")
def hostile_site(make_app: Callable[..., Any], traps: dict[str, Any]) -> Any:
    app = make_app("html", srcdir=traps["src"], freshenv=True)  # not strict, as Read the Docs
    app.build()
    return app


def expected_errors(src: Path) -> dict[str, list[tuple[int, str]]]:
    """(line, code) each broken or hostile page must report, lines read from the page."""
    lines = {
        page: [int(f["line"]) for f in figures_on(src, f"articles/{page}")]
        for page in ("broken.md", "hostile.md", "conf-py.md", "absolute.md")
    }
    return {
        "broken.md": list(zip(lines["broken.md"], ["IMG002", "DF004", "DF005"], strict=True)),
        "hostile.md": [(lines["hostile.md"][0], "DF001"), (lines["hostile.md"][1], "DF001")],
        "conf-py.md": [(lines["conf-py.md"][0], "SEC005")],
        "absolute.md": [(lines["absolute.md"][0], "SEC005")],
    }


def test_build_reports_each_problem_at_the_page_line(
    hostile_site: Any, traps: dict[str, Any]
) -> None:
    text = warnings(hostile_site)
    assert "Traceback" not in text
    for page, errors in expected_errors(traps["src"]).items():
        for line, code in errors:
            assert re.search(rf"articles/{page}:{line}: WARNING: .*\[{code}\]", text), (
                page,
                line,
                code,
                text,
            )
    assert "did you mean 'recall'" in text
    assert re.search(r"data/bad\.csv:3: column 'score': 'n/a' is not a number", text)


def test_check_reports_the_same_problems(traps: dict[str, Any]) -> None:
    src: Path = traps["src"]
    taxonomy = load_taxonomy(src / "taxonomy.yaml")
    for page, errors in expected_errors(src).items():
        findings = check_paths([src / "articles" / page], src, taxonomy)
        found = {
            (f.line, f.code) for f in findings if f.path.name == page and f.severity == "error"
        }
        assert set(errors) <= found, (page, errors, found)
    linked = check_paths([src / PAGE], src, taxonomy)
    assert any(f.code == "SEC013" and f.path.name == "link.csv" for f in linked)


def test_a_bad_figure_does_not_break_other_pages(hostile_site: Any) -> None:
    good = charts(soup(hostile_site, "articles/figures.html"))
    assert len(good) == len(figures_on(Path(hostile_site.srcdir), PAGE))
    broken = soup(hostile_site, "articles/broken.html")
    assert charts(broken) == [] and broken.select_one("article h1") is not None


def test_nothing_outside_docs_is_read_and_no_label_runs(
    hostile_site: Any, traps: dict[str, Any]
) -> None:
    token = traps["token"].encode()
    for folder in (Path(hostile_site.outdir), Path(hostile_site.doctreedir)):
        leaked = [p for p in folder.rglob("*") if p.is_file() and token in p.read_bytes()]
        assert leaked == []
    assert not traps["marker"].exists() and not list(traps["tmp"].rglob("PWNED*"))
    page = soup(hostile_site, "articles/hostile.html")
    (figure,) = charts(page)  # only the labels figure is drawn
    svg = figure.select_one("svg")
    texts = [t.get_text() for t in svg.find_all("text")]
    # The labels are shown as written: no maths, no TeX, no markup.
    assert any(t.startswith("$\\input{") and "<script>" in t for t in texts)
    assert any("\\write18" in t for t in texts) and "<script>alert(2)</script>" in "".join(texts)
    assert page.select("article script") == [] and page.select("article svg script") == []
    assert "[course.unsafe_output]" not in warnings(hostile_site)


# -- the model's rules, without a build --------------------------------------------------------


@pytest.mark.parametrize("cell", ["1,000", "nan", "inf", "-inf", "1e999", "", "0x10", "1_0", "½"])
def test_numbers_are_parsed_strictly(cell: str) -> None:
    with pytest.raises(FigureError) as caught:
        number(cell, where="docs/data/x.csv:4", column="score")
    assert caught.value.issue.code == "DF005" and "docs/data/x.csv:4" in str(caught.value)


@pytest.mark.parametrize("cell", ["12", "-0.5", ".5", "1e3", "+7"])
def test_numbers_as_written(cell: str) -> None:
    assert number(cell, where="x", column="y") == float(cell)


@pytest.mark.parametrize(
    "target",
    [
        "/etc/passwd.csv",
        "file:///etc/x.csv",
        "https://example.org/x.csv",
        "..\\x.csv",
        "../conf/conf.py",
        "data/x.txt",
    ],
)
def test_the_gate_refuses_paths_that_are_not_relative_csv_files(target: str) -> None:
    assert directive_problems("data-figure", target, {"alt": "x"}, "")


def test_the_allowlist_and_the_directive_take_the_same_options() -> None:
    from tools.course.datafigure import OPTIONS
    from tools.course.safety import DIRECTIVE_OPTIONS
    from tools.extensions.datafigure import DataFigure

    assert DIRECTIVE_OPTIONS["data-figure"] == OPTIONS == set(DataFigure.option_spec)


def test_csv_limits() -> None:
    rows = "".join(f"{i},{i}\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(FigureError, match="more than"):
        parse_csv(f"a,b\n{rows}".encode(), "docs/data/x.csv")
    with pytest.raises(FigureError, match=r"x\.csv:3: 3 cells"):
        parse_csv(b"a,b\n1,2\n1,2,3\n", "docs/data/x.csv")
    with pytest.raises(FigureError, match="not UTF-8"):
        parse_csv(b"a,b\n\xff,2\n", "docs/data/x.csv")


# -- handouts (slow) ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs the 'test' system packages")
def test_charts_and_tables_are_in_the_handout_pdf(tmp_path: Path) -> None:
    import pikepdf
    from pdfua import validate

    from tools.outputs.pdfbuild import build_handouts

    src = copy_root(tmp_path, "data-figure")
    assert build_handouts(editions=("student",), source=src, conf=src, build=tmp_path / "b") == 0
    pdf = tmp_path / "b" / "handouts" / "junior-course-student.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    specs = figures_on(src, PAGE)
    for spec in specs:
        rows = csv_rows((src / "articles" / spec["csv"]).resolve())
        assert f"Data table (data/{Path(spec['csv']).name})" in text
        if spec["type"] == "bar":  # a tick label of the chart itself, printed as text
            assert rows[1][rows[0].index(spec["x"])] in text
    with pikepdf.open(pdf) as document:
        assert {spec["alt"] for spec in specs} <= _figure_alts(document)
    assert [(f.rule_id, f.message) for f in validate(str(pdf)).findings] == []  # PDF/UA-1


def _figure_alts(pdf: Any) -> set[str]:
    """The /Alt of every Figure in the PDF's structure tree."""
    import pikepdf

    alts: set[str] = set()

    def visit(element: object) -> None:
        if not isinstance(element, pikepdf.Dictionary):
            return
        if element.get("/S") == pikepdf.Name.Figure:
            alts.add(str(element.get("/Alt", "")))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            visit(kid)

    visit(pdf.Root.StructTreeRoot)
    return alts


# -- in Chromium (slow): readable on a phone, in the theme's colours ---------------------------

#: Per chart: the smallest label in CSS px, and the colours of its text and of the page.
MEASURE = """() => Array.from(document.querySelectorAll('figure.course-datafig svg')).map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const texts = Array.from(svg.querySelectorAll('text'));
  return {
    smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale)),
    text: getComputedStyle(texts[0]).fill,
    page: getComputedStyle(document.body).color,
  };
})"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_charts_are_readable_on_a_phone_and_in_dark_mode(site: Any) -> None:
    from playwright.sync_api import sync_playwright

    url = (Path(site.outdir) / "articles/figures.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 375, "height": 812})
        tab.goto(url)
        for theme in ("light", "dark"):
            tab.evaluate(f"document.body.dataset.theme = '{theme}'")
            charts_ = tab.evaluate(MEASURE)
            assert len(charts_) == len(figures_on(Path(site.srcdir), PAGE))
            for chart in charts_:
                assert chart["smallest"] >= 12
                assert chart["text"] == chart["page"]
            assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert charts_[0]["text"] != "rgb(0, 0, 0)"  # dark mode: light text, no black block
        browser.close()
