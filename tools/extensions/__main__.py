"""``python -m tools.extensions ARGS``: ``sphinx-build ARGS`` as the build command.

What ``make html`` and ``make bench`` run: Sphinx's own command, inside the
policies that belong to a build process, not to every process that loads the
extension: when the garbage collector runs (gcpolicy.py) and the lower
priority of forked workers (workerpriority.py).
"""

from __future__ import annotations

import gc
import sys

from tools.extensions.gcpolicy import collector_policy
from tools.extensions.workerpriority import worker_priority


def main(argv: list[str]) -> int:
    """``sphinx-build`` under the policies; the collector's last pass is skipped at exit."""
    from sphinx.cmd.build import main as sphinx_build

    with collector_policy(), worker_priority():
        code = sphinx_build(argv)
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
