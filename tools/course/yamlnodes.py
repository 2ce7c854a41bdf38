"""YAML read as nodes, which keep their line numbers for file:line messages.

One loader for every data file and front matter block: libyaml's safe loader
when PyYAML was built with it (several times faster; the taxonomy and the
specifications are read at the start of every build), else the pure-Python one.
"""

from __future__ import annotations

import yaml

LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose(text: str) -> yaml.Node | None:
    """The node tree of one YAML document (None when it is empty); raises yaml.YAMLError."""
    return yaml.compose(text, Loader=LOADER)
