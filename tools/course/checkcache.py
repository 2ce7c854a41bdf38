"""``course check`` keeps each page's result between runs, as ruff and mypy keep theirs.

A page's findings depend on its own bytes and on what it is checked against:
the checker's code and its parser's versions, the data files beside the
taxonomy (taxonomy, specifications, care list), which pages exist,
the glossary's terms, and every other file under ``docs/`` (images, data,
downloads, the bibliography: by size and modification time). All of that is
one digest (:func:`site_digest`). While it holds, a page whose bytes are
unchanged keeps its result, so after an edit only the edited pages are read
again; any other change reads every page again. The site-wide rules
(duplicate titles, prerequisites) run on every check, from the kept titles
and front matter.

The cache is a local file the checker writes for itself (in ``build/``);
a file it cannot read, or of another version, is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from .files import write_atomic
from .paths import GENERATED_DIR

#: Bump when what is kept changes shape.
VERSION = 1
#: Packages whose versions change what a page reads as or how its rules judge it.
PACKAGES = ("markdown-it-py", "mdit-py-plugins", "myst-parser", "pybtex", "PyYAML", "pyphen")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def site_digest(
    docs: Path, data: Iterable[Path], pages: Iterable[Path], terms: Mapping[str, Any]
) -> str:
    """What every page's result depends on besides its own bytes (see the module's text):
    *data* are the files the checker reads beside the taxonomy (absent ones count too)."""
    digest = hashlib.sha256(f"{VERSION}\0{sys.version}\0".encode())
    for name in PACKAGES:
        digest.update(f"{name}={_version(name)}\0".encode())
    code = Path(__file__).parent
    for path in sorted(code.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in data:
        content = path.read_bytes() if path.is_file() else b"(none)"
        digest.update(str(path).encode() + b"\0" + content)
    listed = {str(p) for p in pages}
    for folder, dirs, names in os.walk(docs):
        # The generated pages are the build's output, never checked: not an input here.
        dirs[:] = sorted(d for d in dirs if folder != str(docs) or d != GENERATED_DIR)
        for name in sorted(names):
            file = os.path.join(folder, name)
            if file in listed:
                digest.update(f"page {file}\0".encode())
            else:
                stat = os.stat(file)
                digest.update(f"file {file} {stat.st_size} {stat.st_mtime_ns}\0".encode())
    digest.update(repr(sorted(terms.items())).encode())
    return digest.hexdigest()


def page_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class CheckCache:
    """Page results by path and content digest, valid for one :func:`site_digest`."""

    def __init__(self, file: Path, site: str) -> None:
        self.file = file
        self.site = site
        self.results: dict[str, tuple[str, Any]] = {}
        try:
            stored = pickle.loads(file.read_bytes())
        except Exception:  # absent, unreadable or of another version: start afresh
            return
        if isinstance(stored, dict) and stored.get("site") == site:
            self.results = stored.get("results", {})

    def get(self, path: Path, digest: str) -> Any | None:
        kept = self.results.get(str(path))
        return kept[1] if kept is not None and kept[0] == digest else None

    def others(self, paths: Iterable[Path]) -> dict[Path, tuple[str, Any]]:
        """What is kept for pages other than *paths* (a check of some pages keeps the rest)."""
        skip = {str(p) for p in paths}
        return {Path(k): v for k, v in self.results.items() if k not in skip}

    def save(self, results: Mapping[Path, tuple[str, Any]]) -> None:
        """Keep *results* (path -> (content digest, result)) for the next check."""
        self.results = {str(path): value for path, value in results.items()}
        data = pickle.dumps({"site": self.site, "results": self.results}, pickle.HIGHEST_PROTOCOL)

        def write(temporary: Path) -> None:
            temporary.write_bytes(data)

        with contextlib.suppress(OSError):  # a read-only checkout checks without a cache
            write_atomic(self.file, write)
