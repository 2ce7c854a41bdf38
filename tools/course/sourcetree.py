"""Which files under ``docs/`` may be read at all: no symbolic links, only UTF-8 pages.

A committed symlink such as ``docs/x.md -> /proc/self/environ`` or
``docs/y.md -> ../conf/conf.py`` would be read, built into a page and listed
in the sitemap as if it were a contributed page; a linked image or download
would be copied into the site. Git stores a symlink as a tiny text file, so
a reviewer easily misses one. Both ``course check`` and the build refuse
every symlink under ``docs/``, wherever it points. Nothing here imports Sphinx.
"""

from __future__ import annotations

import os
from pathlib import Path

MESSAGE = (
    "symbolic link to {target}: pages, images and downloads must be ordinary "
    "files inside docs/ (commit the file itself, not a link to it)"
)


def symlink_problems(docs: Path) -> list[tuple[Path, str]]:
    """Every symlink under *docs* (files and folders, not followed), with a message naming its target."""
    found: list[tuple[Path, str]] = []
    for folder, dirnames, filenames in os.walk(docs, followlinks=False):
        for name in sorted(dirnames) + sorted(filenames):
            path = Path(folder, name)
            if path.is_symlink():
                found.append((path, MESSAGE.format(target=os.readlink(path))))
        # os.walk does not descend into linked folders when followlinks is False.
        dirnames.sort()
    return sorted(found)


def undecodable_pages(
    docs: Path,
    suffixes: tuple[str, ...] = (".md", ".rst"),
    known: dict[str, list[int]] | None = None,
) -> list[Path]:
    """Pages under *docs* that are not UTF-8 (symlinks not followed).

    Sphinx decodes a page before any extension sees it, and a page it cannot
    decode stops the whole build with a traceback; the build leaves these out
    and reports them instead. *known* (page -> [mtime_ns, size] of pages found
    clean before) skips pages unchanged since, and is brought up to date: the
    build checks every page at every start, 10,000 of them at scale.
    """
    found: list[Path] = []
    clean: dict[str, list[int]] = {}
    for folder, dirnames, filenames in os.walk(docs, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(folder, name)
            if path.suffix in suffixes and not path.is_symlink():
                stat = path.stat()
                stamp = [stat.st_mtime_ns, stat.st_size]
                rel = path.relative_to(docs).as_posix()
                if known is not None and known.get(rel) == stamp:
                    clean[rel] = stamp
                    continue
                try:
                    path.read_bytes().decode("utf-8-sig")
                except UnicodeDecodeError:
                    found.append(path)
                else:
                    clean[rel] = stamp
    if known is not None:
        known.clear()
        known.update(clean)
    return found


def is_linked(docs: Path, path: Path) -> bool:
    """Whether *path* (absolute, or relative to *docs*) is or passes through a symlink below *docs*."""
    full = path if path.is_absolute() else docs / path
    try:
        parts = full.relative_to(docs).parts
    except ValueError:
        return True  # outside docs/ altogether: as untrusted as a link
    current = docs
    for part in parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def exclude_patterns(docs: Path, paths: list[Path]) -> list[str]:
    """Sphinx ``exclude_patterns`` that keep these files (and folders' contents) unread."""
    patterns: list[str] = []
    for path in paths:
        rel = path.relative_to(docs).as_posix()
        patterns.append(rel)
        patterns.append(f"{rel}/**")
    return patterns
