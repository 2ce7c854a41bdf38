"""``course``: the command-line tool for contributors and instructors.

Subcommands: ``handouts`` (PDFs for instructors) and ``list`` (the taxonomy
with article counts); see ``course --help``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tools.extensions.corpus import scan_articles
from tools.extensions.taxonomy import TaxonomyError, load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TAXONOMY = ROOT / "conf" / "taxonomy.yaml"


def cmd_handouts(args: argparse.Namespace) -> int:
    from tools.pdfbuild import build_handouts

    if args.category and args.article:
        print("course handouts: give --category or --article, not both", file=sys.stderr)
        return 2
    selection = "all"
    if args.category:
        selection = f"category:{args.category}"
    elif args.article:
        selection = f"article:{args.article}"
    editions = tuple(args.edition) if args.edition else ("student", "instructor")
    return build_handouts(selection, editions, jobs=args.jobs)


def cmd_list(args: argparse.Namespace) -> int:
    taxonomy = load_taxonomy(TAXONOMY)
    counts: dict[str, int] = {}
    for article in scan_articles(DOCS):
        if article.category:
            counts[article.category] = counts.get(article.category, 0) + 1
    if args.json:
        data = [
            {
                "level": level.slug,
                "courses": [
                    {
                        "course": course.slug,
                        "title": course.title,
                        "categories": [
                            {
                                "category": c.slug,
                                "title": c.title,
                                "articles": counts.get(c.slug, 0),
                            }
                            for c in course.categories
                        ],
                    }
                    for course in level.courses
                ],
            }
            for level in taxonomy.levels
        ]
        print(json.dumps(data, indent=2))
        return 0
    width = max(len(c.slug) for c in taxonomy.categories)
    for level in taxonomy.levels:
        print(level.title)
        for course in level.courses:
            print(f"  {course.title}")
            for cat in course.categories:
                print(f"    {cat.slug:<{width}}  {counts.get(cat.slug, 0):>3}  {cat.title}")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="course", description=__doc__.splitlines()[0])
    sub = main.add_subparsers(dest="command", required=True)

    handouts = sub.add_parser(
        "handouts",
        help="build PDF handouts (both editions) into build/handouts/",
        description="Build the student and instructor editions of every course's handout, "
        "or of one category or article.",
    )
    handouts.add_argument("--category", metavar="SLUG", help="only this course category")
    handouts.add_argument("--article", metavar="SLUG", help="only this article")
    handouts.add_argument(
        "--edition",
        action="append",
        choices=["student", "instructor"],
        help="only this edition (repeatable; default: both)",
    )
    handouts.add_argument("--jobs", type=int, default=2, help="LaTeX runs at once (default 2)")
    handouts.set_defaults(func=cmd_handouts)

    listing = sub.add_parser(
        "list",
        help="the taxonomy with article counts",
        description="Print levels, courses and categories with article counts.",
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(func=cmd_list)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except TaxonomyError as exc:
        print(f"course: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
