"""The model layer imports no Sphinx: ``course check`` must start fast and run without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_course_check_imports_no_sphinx() -> None:
    code = (
        "import sys\n"
        "from tools.cli import main\n"
        "from tools.course import checker, scaffold, corpus, catalog, taxonomy, frontmatter\n"
        "findings = checker.check_paths([checker.Path('docs')], checker.Path('docs'),"
        " taxonomy.load_taxonomy('conf/taxonomy.yaml'))\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('sphinx', 'sphinx_sitemap', 'sphinxcontrib') or m.startswith('tools.extensions'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout
