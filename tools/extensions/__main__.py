"""``python -m tools.extensions ARGS``: ``sphinx-build ARGS`` as the build command.

What ``make html`` and ``make bench`` run: Sphinx's own command, inside the
collector policy that belongs to a build process (gcpolicy.py).
"""

from __future__ import annotations

import sys

from tools.extensions.gcpolicy import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
