"""`make bench` works end to end (on a tiny corpus; the figures themselves are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tools.outputs.bench import MEASURES

KEYS = set(MEASURES)


def test_bench_writes_every_measure(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.outputs.bench",
            "--sizes",
            "12",
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
    results = json.loads(output.read_text())
    assert set(results) == {"12"}
    assert set(results["12"]) >= KEYS
    assert all(results["12"][k] > 0 for k in KEYS)
    assert "| full_parallel_s |" in done.stdout
