"""The PDFs the published site offers: every course's and every article's student handout.

`make site` runs this, then `make epub` and `make exports` have put the EPUBs and
Anki decks in build/, and the strict HTML build finds them all through the conf
value ``course_downloads`` (tools/extensions/views.py decides what a page offers).

Only student editions are printed here: instructor editions and the LMS exports
are never published. One Sphinx read of the pages serves both selections (the
courses, then every article, share a doctree folder of their own, so the HTML
build's doctrees are not re-read for the handout builder's settings); then the
course handouts print, then the articles', each batch ``jobs`` printers wide.

A handout that fails is reported and not offered (its old PDF is removed, so no
page links an out-of-date copy); the others are published, as a bad page never
breaks the rest of the site.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from tools.outputs.pdfbuild import MANIFEST, ROOT, Result, print_all, sphinx_handouts

EDITION = "student"
#: Where the article PDFs go, under the handouts folder (views.ARTICLE_DOWNLOADS reads it).
ARTICLES = "articles"


def _clear(folder: Path) -> Path:
    """An empty folder: nothing left over from an earlier build may be printed or served."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _drop_unbuilt(results: list[Result], out: Path, *, everything_else: bool) -> None:
    """Remove the PDFs of failed handouts (and, for a folder of our own, any other old PDF)."""
    built = {r.pdf.name for r in results if r.pdf is not None}
    failed = {r.html.with_suffix(".pdf").name for r in results if r.pdf is None}
    for pdf in out.glob("*.pdf"):
        if pdf.name in failed or (everything_else and pdf.name not in built):
            pdf.unlink()


def build_site_pdfs(
    *,
    source: Path = ROOT / "docs",
    conf: Path = ROOT / "conf",
    build: Path = ROOT / "build",
    jobs: int = 2,
) -> int:
    """Student PDFs of every course (build/handouts) and article (build/handouts/articles).

    Returns 1 when Sphinx could not write the handouts, else 0; failed handouts
    are listed on stderr and left out.
    """
    doctrees = build / "doctrees-handout"
    html = build / "handout-html" / "site"
    handouts = build / "handouts"
    articles = handouts / ARTICLES
    results: dict[str, list[Result]] = {}
    selections = (("all", handouts), ("articles", articles))
    for selection, _ in selections:
        if sphinx_handouts(selection, EDITION, _clear(html / selection), doctrees, source, conf):
            print(f"make site: Sphinx could not write the {selection} handouts", file=sys.stderr)
            return 1
    # One pool at a time: two would put twice as many printers on the cores, and
    # a long course handout would then run into its time limit.
    for selection, out in selections:
        out.mkdir(parents=True, exist_ok=True)
        results[selection] = print_all(html / selection / MANIFEST, out, jobs)
    _drop_unbuilt(results["all"], handouts, everything_else=False)
    _drop_unbuilt(results["articles"], articles, everything_else=True)
    every = results["all"] + results["articles"]
    failed = [r for r in every if r.pdf is None]
    print(f"{len(every) - len(failed)} of {len(every)} student PDFs built for the site")
    for result in failed:
        print(f"\nNOT PUBLISHED {result.html.stem}.pdf {result.problem}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.outputs.site",
        description="Print the student PDFs the published site offers (make site).",
    )
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="the build folder")
    parser.add_argument("--source", type=Path, default=ROOT / "docs", help=argparse.SUPPRESS)
    parser.add_argument("--conf", type=Path, default=ROOT / "conf", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=2, help="PDFs printed at once per selection")
    args = parser.parse_args(argv)
    start = time.monotonic()
    status = build_site_pdfs(
        source=args.source, conf=args.conf, build=args.build.resolve(), jobs=args.jobs
    )
    print(f"site PDFs: {time.monotonic() - start:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
