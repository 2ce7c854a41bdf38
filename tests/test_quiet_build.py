"""The build prints nothing a contributor has to learn to ignore (issue 15, item 15)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_loading_the_configuration_and_opengraph_prints_no_matplotlib_notice() -> None:
    code = (
        "import runpy; runpy.run_path('conf/conf.py'); "
        "import sphinxext.opengraph, importlib; importlib.import_module('sphinxext.opengraph')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "matplotlib" not in done.stdout + done.stderr
