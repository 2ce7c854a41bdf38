"""``make bench``: how the build scales with the number of articles.

Generates a synthetic corpus of N articles spread over the real taxonomy
(complete front matter, role links, related lists, review questions and
glossary terms) in a temporary folder, then times, in the same run:

- the full HTML build, serial and with ``make html``'s parallelism (above
  1,000 articles the parallel build only, so that ``N=10000 RUNS=1`` fits in
  half an hour on two cores; serial and dummy are reported as null);
- the same corpus with plain Sphinx + MyST + furo (our extensions and
  generated pages off): the baseline;
- the ``dummy`` builder (reading only: the floor);
- incremental builds after a body edit and after a category edit, and a
  no-change rebuild;
- the peak memory of each full build, and the size of an article's HTML;
- how many of the site's pages each incremental build rewrote;
- ``course check`` on every page (no Sphinx; a process pool per core);
- search: the size of Pagefind's index and of Sphinx's ``searchindex.js``,
  the time Pagefind takes to index the built site, and the bytes a reader's
  first query transfers, measured in Debian's Chromium on the served site
  (tools/outputs/searchprobe.py, as tests/test_search.py measures it). The
  rebuilds are timed with ``make html``'s sharded index; the index size and
  the first query are measured on one index, as ``make site`` publishes it.

Our builds run as ``make html`` runs them (``python -m tools.extensions``,
with the build command's collector policy); the baseline runs plain
``sphinx-build``.

Each figure is the median of ``--runs`` runs (the baseline at 1,000 articles
runs once: it takes minutes; above 1,000 it is not run and is reported as
null: at 10,000 it would take hours). Results go to build/bench/results.json
(sizes measured earlier and not in this run are kept there, each with the time
it was measured) and are printed as a table. The text is filler: it is never
course content.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tools.course.taxonomy import Taxonomy, load_taxonomy
from tools.outputs import searchprobe

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "build" / "bench" / "results.json"
WORDS = [
    "mind",
    "behaviour",
    "memory",
    "attention",
    "learning",
    "study",
    "evidence",
    "model",
    "theory",
    "people",
    "group",
    "child",
    "thinking",
    "feeling",
    "change",
    "research",
    "method",
    "result",
    "example",
    "question",
    "answer",
    "idea",
    "process",
    "school",
    "friend",
    "reward",
    "habit",
    "brain",
    "signal",
    "test",
    "score",
    "measure",
    "pattern",
    "stage",
    "skill",
]
TERMS = [f"bench term {i}" for i in range(60)]
#: The figures each size reports (results.json keys, in table order).
MEASURES = (
    "full_serial_s",
    "full_parallel_s",
    "baseline_full_s",
    "dummy_s",
    "incr_body_s",
    "incr_category_s",
    "noop_s",
    "check_s",  # `course check` of the whole corpus, as `make check` runs it
    "peak_rss_mb",
    "article_kb",
    "search_index_kb",  # Pagefind's index (every file under pagefind/)
    "search_index_s",  # Pagefind indexing the pages' search copies (part of every HTML build)
    "search_first_query_kb",  # bytes (compressed as served) of a reader's first query
    "searchindex_js_kb",  # Sphinx's searchindex.js, loaded whole by search.html
)
#: What `make site` sets: one search index (tools/extensions/search.py).
ONE_INDEX = ("course_search_one_index=1",)
#: Above this many articles the plain-Sphinx baseline is not run (null).
BASELINE_MAX = 1000
#: What the reader types for the first-query measure: a word of every synthetic page.
QUERY = "memory"
#: Document pages of the site, and how many each incremental build rewrote.
PAGES = ("pages", "written_body", "written_category", "written_noop")


def parallel_jobs() -> int:
    """What ``make html`` uses: one more than the cores (Sphinx writes with jobs - 1 workers)."""
    return (os.cpu_count() or 1) + 1


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 16))
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, n: int) -> str:
    return " ".join(sentence(rng) for _ in range(n))


def article(i: int, n: int, taxonomy: Taxonomy, rng: random.Random) -> str:
    cats = taxonomy.categories
    topics = taxonomy.topics
    category = cats[i % len(cats)].slug
    chosen = rng.sample(topics, 2)
    related = sorted({f"bench-{rng.randrange(n):05d}" for _ in range(2)} - {f"bench-{i:05d}"})
    link = f"bench-{(i + 1) % n:05d}"
    terms = rng.sample(TERMS, 3)
    sections = []
    for s in range(3):
        sections.append(
            f"## Part {s + 1}\n\n{paragraph(rng, 5)} See {{term}}`{terms[s]}`.\n\n{paragraph(rng, 5)}\n"
        )
    return f"""---
category: {category}
topics: [{chosen[0].slug}, {chosen[1].slug}]
related: [{", ".join(related)}]
summary: A synthetic article number {i} for measuring build time.
objectives:
  - Describe part one.
  - Explain part two.
keywords: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]
---

# Bench Article {i:05d} {rng.choice(WORDS).capitalize()}

{paragraph(rng, 4)} Next: {{article}}`{link}`, and {{category}}`{category}`.

{"".join(sections)}
## Review questions

::::{{question}}
{sentence(rng)[:-1]}?

:::{{answer}}
{paragraph(rng, 2)}
:::
::::

:::{{instructor-note}}
{paragraph(rng, 1)}
:::
"""


def make_corpus(folder: Path, n: int, taxonomy: Taxonomy) -> None:
    rng = random.Random(n)
    docs = folder / "docs"
    (docs / "articles").mkdir(parents=True)
    for i in range(n):
        (docs / "articles" / f"bench-{i:05d}.md").write_text(
            article(i, n, taxonomy, rng), encoding="utf-8"
        )
    glossary = "\n".join(f"{t}\n  Filler definition of {t}.\n" for t in TERMS)
    (docs / "glossary.md").write_text(f"# Glossary\n\n```{{glossary}}\n:sorted:\n\n{glossary}```\n")
    (docs / "index.md").write_text(
        "# Bench\n\n```{course-toctree}\n```\n\n```{toctree}\n:hidden:\n\nglossary\n```\n"
    )
    # The baseline: plain Sphinx + MyST + furo, every article in one toctree.
    base = folder / "baseline"
    (base / "articles").mkdir(parents=True)
    for path in (docs / "articles").glob("*.md"):
        shutil.copy2(path, base / "articles" / path.name)
    shutil.copy2(docs / "glossary.md", base / "glossary.md")
    (base / "index.md").write_text("# Bench\n\n```{toctree}\n:glob:\n\nglossary\narticles/*\n```\n")
    (base / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_design"]\n'
        'myst_enable_extensions = ["colon_fence"]\n'
        'html_theme = "furo"\n'
        'suppress_warnings = ["myst.role_unknown", "myst.directive_unknown", "ref.term"]\n'
    )


def run(command: list[str]) -> tuple[float, float]:
    """Wall time in seconds and peak RSS (MB) of one build (its largest process)."""
    probe = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL);"
        "d = time.perf_counter() - t;"
        "print(d, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True
    )
    seconds, rss_kb, code = done.stdout.split()
    if code != "0":
        raise RuntimeError(f"build failed ({code}): {' '.join(command)}\n{done.stderr[-2000:]}")
    return float(seconds), int(rss_kb) / 1024


def sphinx(
    source: Path,
    out: Path,
    *,
    conf: Path | None,
    builder: str = "html",
    jobs: int = 1,
    fresh: bool = True,
    overrides: tuple[str, ...] = (),
) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "sphinx" if conf is None else "tools.extensions",
        "-b",
        builder,
        "-q",
        "-j",
        str(jobs),
        "-d",
        str(out / "doctrees"),
    ]
    if conf is not None:
        command += ["-c", str(conf)]
    if fresh:
        command.append("-E")
    for setting in overrides:
        command += ["-D", setting]
    return [*command, str(source), str(out / builder)]


def course_check(docs: Path, conf: Path) -> list[str]:
    """``course check`` of every page of *docs* against the real taxonomy, as a first run
    (no results kept from an earlier one)."""
    taxonomy = conf / "taxonomy.yaml"
    return [
        sys.executable,
        "-m",
        "tools.cli",
        "check",
        "--no-cache",
        "--docs",
        str(docs),
        "--taxonomy",
        str(taxonomy),
        str(docs),
    ]


def stamps(html: Path, docs: Path) -> dict[Path, int]:
    """When the page of each document was last written.

    Sphinx rewrites its own finish-up pages (search, indices) on every build;
    only pages made from a source file count.
    """
    return {
        p: p.stat().st_mtime_ns
        for p in html.rglob("*.html")
        if (docs / p.relative_to(html)).with_suffix(".md").is_file()
    }


def rewritten(before: dict[Path, int], html: Path, docs: Path) -> int:
    """How many document pages a build wrote since *before* was taken."""
    return sum(1 for p, t in stamps(html, docs).items() if before.get(p) != t)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def search_figures(html: Path) -> dict[str, float | None]:
    """Index time (Pagefind indexing every page's search copy in shards, as `make html`'s
    fresh build does; the build's own index is left as it is) and a first query's bytes
    (on the build's index, which the caller has made one index, as `make site` publishes)."""
    from tools.extensions.search import COPIES_DIR, write_index

    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        write_index(html.parent / "doctrees" / COPIES_DIR, [], Path(scratch))
        indexed = time.perf_counter() - start
    first: float | None = None
    if searchprobe.CHROMIUM.exists():
        with searchprobe.served(html) as base, searchprobe.chromium() as browser:
            page = "articles/bench-00002.html"
            first = searchprobe.first_query(browser, base, page, QUERY).compressed_kb
    return {"search_index_s": indexed, "search_first_query_kb": first}


def measure(n: int, runs: int, folder: Path) -> dict[str, float | None]:
    taxonomy = load_taxonomy(ROOT / "conf" / "taxonomy.yaml")
    make_corpus(folder, n, taxonomy)
    docs, conf, base = folder / "docs", ROOT / "conf", folder / "baseline"
    jobs = parallel_jobs()
    timings: dict[str, list[float]] = {
        k: []
        for k in ("serial", "parallel", "baseline", "dummy", "body", "category", "noop", "check")
    }
    rss: list[float] = []
    written: dict[str, int] = {"written_body": 0, "written_category": 0, "written_noop": 0}

    def incremental(key: str) -> float:
        html = folder / "out" / "html"
        before = stamps(html, docs)
        seconds = run(sphinx(docs, folder / "out", conf=conf, jobs=jobs, fresh=False))[0]
        written[key] = max(written[key], rewritten(before, html, docs))
        return seconds

    def clean(out: Path) -> Path:
        shutil.rmtree(out, ignore_errors=True)
        return out

    for _ in range(runs):
        timings["check"].append(run(course_check(docs, conf))[0])
        if n <= BASELINE_MAX:  # above, the parallel build alone: N=10000 RUNS=1 in 30 minutes
            t, m = run(sphinx(docs, clean(folder / "out-serial"), conf=conf))
            timings["serial"].append(t)
            rss.append(m)
        t, m = run(sphinx(docs, clean(folder / "out"), conf=conf, jobs=jobs))
        timings["parallel"].append(t)
        rss.append(m)
        if n <= BASELINE_MAX:
            t, _m = run(sphinx(docs, clean(folder / "out-dummy"), conf=conf, builder="dummy"))
            timings["dummy"].append(t)
        # Incremental builds, on top of the parallel build, as `make html` runs them.
        target = docs / "articles" / "bench-00001.md"
        edit(target, "## Part 1", "## Part 1\n\nAn added sentence.")
        timings["body"].append(incremental("written_body"))
        old = taxonomy.categories[1].slug
        new = taxonomy.categories[2].slug
        text = target.read_text(encoding="utf-8")
        now = old if f"category: {new}" in text else new
        edit(target, text.split("\n")[1], f"category: {now}")
        timings["category"].append(incremental("written_category"))
        timings["noop"].append(incremental("written_noop"))
    for _ in range(0 if n > BASELINE_MAX else 1 if n >= 1000 else runs):
        t, m = run(sphinx(base, clean(folder / "out-baseline"), conf=None))
        timings["baseline"].append(t)
    # Search as readers get it: the published site (`make site`) has one index, not the
    # shards that speed up `make html`'s rebuilds. Only the index is written again.
    run(sphinx(docs, folder / "out", conf=conf, jobs=jobs, fresh=False, overrides=ONE_INDEX))
    page = folder / "out" / "html" / "articles" / "bench-00002.html"
    return {
        "full_serial_s": statistics.median(timings["serial"]) if timings["serial"] else None,
        "full_parallel_s": statistics.median(timings["parallel"]),
        "baseline_full_s": statistics.median(timings["baseline"]) if timings["baseline"] else None,
        "dummy_s": statistics.median(timings["dummy"]) if timings["dummy"] else None,
        "incr_body_s": statistics.median(timings["body"]),
        "incr_category_s": statistics.median(timings["category"]),
        "noop_s": statistics.median(timings["noop"]),
        "check_s": statistics.median(timings["check"]),
        "peak_rss_mb": max(rss),
        "article_kb": page.stat().st_size / 1024,
        "search_index_kb": sum(
            f.stat().st_size for f in (page.parents[1] / "pagefind").rglob("*") if f.is_file()
        )
        / 1024,
        **search_figures(page.parents[1]),
        "searchindex_js_kb": (page.parents[1] / "searchindex.js").stat().st_size / 1024,
        "pages": len(stamps(folder / "out" / "html", docs)),
        **written,
        "jobs": jobs,
        "runs": runs,
    }


#: Size -> measure -> figure (null where not measured), with when it was measured.
Results = dict[str, dict[str, Any]]


def _shown(value: float | None) -> str:
    return "null" if value is None else f"{value:.1f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or not b else f"{a / b:.2f}x"


def table(results: Results, measured: list[str]) -> str:
    """The README's table for every size in *results*; ratios for the sizes of this run."""
    sizes = sorted(results, key=int)
    lines = [
        "| measure | " + " | ".join(f"N={s}" for s in sizes) + " |",
        "| --- |" + " ---: |" * len(sizes),
    ]
    for key in MEASURES:
        lines.append(f"| {key} | " + " | ".join(_shown(results[s].get(key)) for s in sizes) + " |")
    run = sorted(measured, key=int)
    lines += ["", f"Ratios within this run (N={', '.join(run)}):"]
    if len(run) >= 2:
        small, large = results[run[0]], results[run[-1]]
        lines += [
            f"- full build growth: {_ratio(large['full_parallel_s'], small['full_parallel_s'])} "
            f"for {int(run[-1]) / int(run[0]):.0f}x the articles",
            f"- article HTML size: {_ratio(large['article_kb'], small['article_kb'])}",
        ]
    for s in run:
        r = results[s]
        lines.append(
            f"- N={s}: full/dummy {_ratio(r['full_parallel_s'], r['dummy_s'])} "
            f"(serial {_ratio(r['full_serial_s'], r['dummy_s'])}); "
            f"full/baseline {_ratio(r['full_parallel_s'], r['baseline_full_s'])}; "
            f"serial/parallel {_ratio(r['full_serial_s'], r['full_parallel_s'])} "
            f"(-j {int(r['jobs'] or 0)}); "
            f"search index/full build {_ratio(r['search_index_s'], r['full_parallel_s'])}"
        )
    for s in run:
        r = results[s]
        lines.append(
            f"- N={s}: pages rewritten of {int(r['pages'] or 0)}: "
            f"body edit {int(r['written_body'] or 0)}, "
            f"category edit {int(r['written_category'] or 0)}, "
            f"no change {int(r['written_noop'] or 0)}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="200,1000", help="comma-separated article counts (default 200,1000)"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per measure; the median is reported (default 3)"
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="where to write the JSON results"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results: Results = {}
    if args.output.is_file():  # keep the sizes this run does not measure
        results = json.loads(args.output.read_text(encoding="utf-8"))
    when = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as tmp:
            start = time.perf_counter()
            results[str(n)] = measure(n, args.runs, Path(tmp))
            took = time.perf_counter() - start
            print(f"N={n} measured in {took:.0f} s", file=sys.stderr)
        results[str(n)] |= {"measured_s": took, "measured_at": when}
        args.output.parent.mkdir(parents=True, exist_ok=True)  # kept size by size
        args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(table(results, [str(n) for n in sizes]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
