"""``make offline``: the built site as one zip that opens from ``file://``.

A teacher can copy it to a machine with no network, unzip it and open
``index.html``. Links between pages are relative files, so every page opens;
search is Sphinx's own page (``search.html`` with ``searchindex.js``, loaded
by a ``<script>`` tag, which a browser allows from ``file://``). The Pagefind
index is left out: a browser does not load it from ``file://``, and
``search.js`` stays out of the way there, so the search box submits to
``search.html`` as it does without JavaScript.

The zip is reproducible: files in sorted order with a fixed timestamp.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

from tools.extensions.search import INDEX_DIR

#: What is of no use offline: the Pagefind index and Sphinx's build stamp.
LEFT_OUT = frozenset({INDEX_DIR, ".buildinfo", ".doctrees"})
#: Zip timestamps start in 1980; one fixed date keeps the archive reproducible.
STAMP = (1980, 1, 1, 0, 0, 0)


def offline_zip(site: Path, target: Path, name: str) -> Path:
    """Write ``target/<name>.zip`` holding *site* under a top folder *name*; return its path."""
    if not (site / "index.html").is_file() or not (site / "search.html").is_file():
        raise FileNotFoundError(f"{site}: no built site here (run `make html` first)")
    target.mkdir(parents=True, exist_ok=True)
    archive = target / f"{name}.zip"
    files = sorted(
        path
        for path in site.rglob("*")
        if path.is_file() and not LEFT_OUT.intersection(path.relative_to(site).parts)
    )
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for path in files:
            info = zipfile.ZipInfo(f"{name}/{path.relative_to(site).as_posix()}", STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            out.writestr(info, path.read_bytes())
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--site", type=Path, default=Path("build/html"), help="the built site")
    parser.add_argument(
        "--out", type=Path, default=Path("build/offline"), help="where the zip goes"
    )
    parser.add_argument("--name", default="open-psychology-course", help="the zip's name")
    args = parser.parse_args(argv)
    try:
        archive = offline_zip(args.site, args.out, args.name)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    size = archive.stat().st_size / 1e6
    print(f"{archive} ({size:.1f} MB): unzip it and open {args.name}/index.html in a browser")
    return 0


if __name__ == "__main__":
    sys.exit(main())
