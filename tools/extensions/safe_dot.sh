#!/bin/sh
# `dot` with limits, for diagrams written by contributors: guard.py points
# Sphinx's `graphviz_dot` here. Sphinx runs this with dot's arguments; it caps
# memory (1 GiB), CPU time (30 s), output file size (64 MiB) and wall time
# (60 s), so a diagram made to exhaust the machine (a size/dpi bomb the DOT
# allowlist missed) fails fast instead. A shell script, not Python: it runs
# once per diagram and must start quickly.
ulimit -v 1048576 || exit 1
ulimit -t 30 || exit 1
ulimit -f 131072 || exit 1
exec timeout 60 "${COURSE_DOT:-dot}" "$@"
