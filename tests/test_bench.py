"""`make bench` end to end, on tiny corpora: every figure for every size, and what they imply.

Times are not compared (the machines are small and noisy); what the builds
wrote is.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from typing import Any

import pytest

from tools.outputs.bench import MEASURES, PAGES, table

SIZES = ("8", "12")
#: A size measured by an earlier run, already in the results file: it must be kept.
EARLIER = "3"


@pytest.fixture(scope="module")
def earlier() -> dict[str, Any]:
    return {key: 1.0 for key in (*MEASURES, *PAGES)} | {"jobs": 3, "measured_at": "before"}


@pytest.fixture(scope="module")
def bench(
    tmp_path_factory: pytest.TempPathFactory, earlier: dict[str, Any]
) -> tuple[dict[str, dict[str, float]], str]:
    """The results file and the printed table of one `make bench` run."""
    output = tmp_path_factory.mktemp("bench") / "results.json"
    output.write_text(json.dumps({EARLIER: earlier}))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.outputs.bench",
            "--sizes",
            ",".join(SIZES),
            "--runs",
            "1",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(output.read_text()), done.stdout


@pytest.mark.slow
def test_every_measure_for_every_size(
    bench: tuple[dict[str, dict[str, float]], str], earlier: dict[str, Any]
) -> None:
    results, _ = bench
    assert sorted(results) == sorted([*SIZES, EARLIER])
    assert results[EARLIER] == earlier  # a size this run did not measure is kept as it was
    for size in SIZES:
        figures = results[size]
        missing = set(MEASURES) - set(figures)
        assert not missing, f"N={size}: no {sorted(missing)}"
        bad = {
            k: figures[k] for k in MEASURES if not (math.isfinite(figures[k]) and figures[k] > 0)
        }
        assert not bad, f"N={size}: not a positive figure: {bad}"


@pytest.mark.slow
def test_incremental_builds_rewrite_only_what_changed(
    bench: tuple[dict[str, dict[str, float]], str],
) -> None:
    results, _ = bench
    for size in SIZES:
        r = results[size]
        pages = r["pages"]
        # The site: every article, the home page, the glossary and the generated pages.
        assert pages > int(size), size
        assert r["written_noop"] == 0, f"N={size}: a no-change rebuild rewrote pages"
        assert 1 <= r["written_body"] < pages, f"N={size}: body edit rewrote {r['written_body']}"
        assert 1 <= r["written_category"] < pages, size
        # Moving an article changes what its old and new category pages list.
        assert r["written_category"] > r["written_body"], size


@pytest.mark.slow
def test_table_shows_the_figures_of_the_results_file(
    bench: tuple[dict[str, dict[str, float]], str],
) -> None:
    results, table = bench
    rows = {
        line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
        for line in table.splitlines()
        if line.startswith("| ") and not line.startswith(("| measure", "| ---"))
    }
    assert list(rows) == list(MEASURES)
    every = sorted(results, key=int)
    for key in MEASURES:
        assert rows[key] == [f"{results[s][key]:.1f}" for s in every], key
    assert f"Ratios within this run (N={', '.join(SIZES)}):" in table
    for size in SIZES:
        r = results[size]
        written = ", ".join(
            f"{label} {int(r[key])}"
            for label, key in zip(
                ("body edit", "category edit", "no change"), PAGES[1:], strict=True
            )
        )
        assert f"N={size}: pages rewritten of {int(r['pages'])}: {written}" in table


def test_a_measure_not_taken_is_null_and_its_ratio_not_computed(earlier: dict[str, Any]) -> None:
    """Above 1,000 articles the baseline, serial and dummy builds are not run: the table
    says null, never a number."""
    skipped = {"baseline_full_s": None, "full_serial_s": None, "dummy_s": None}
    shown = table({"10000": earlier | skipped}, ["10000"])
    for key in skipped:
        assert f"| {key} | null |" in shown
    assert "full/baseline n/a" in shown
    assert "full/dummy n/a (serial n/a)" in shown
