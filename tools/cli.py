"""``course``: the command-line tool for contributors and instructors.

Subcommands: ``new`` (scaffold an article), ``check`` (validate pages
without a build), ``list`` (the taxonomy with article counts) and
``handouts`` (PDFs for instructors); see ``course <command> --help``.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from tools.course.corpus import scan_articles
from tools.course.taxonomy import TaxonomyError, load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TAXONOMY = ROOT / "conf" / "taxonomy.yaml"
#: `course check`'s results of unchanged pages, in the build folder beside docs/.
CHECK_CACHE = "course-check.pickle"


def site_url() -> str:
    """The public address, from the one place conf.py defines it."""
    import runpy

    return str(runpy.run_path(str(ROOT / "conf" / "conf.py")).get("SITE_URL", ""))


def cmd_new(args: argparse.Namespace) -> int:
    from tools.course.scaffold import ScaffoldError, create_article

    taxonomy = load_taxonomy(TAXONOMY)
    title = args.title or input("Title of the new article: ").strip()
    category = args.category or input("Course category slug (see `course list`): ").strip()
    try:
        path = create_article(args.docs, taxonomy, title, category)
    except ScaffoldError as exc:
        print(f"course new: {exc}", file=sys.stderr)
        return 1
    url = site_url().rstrip("/") + f"/articles/{path.stem}.html"
    print(f"Created {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print(f"It will be published at {url}")
    print("Next: write it, run `make check`, preview with `make serve`.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from tools.course.checker import timed_check

    taxonomy = load_taxonomy(args.taxonomy)
    paths = [Path(p) for p in args.paths] or [args.docs]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"course check: no such file or folder: {missing[0]}", file=sys.stderr)
        return 2
    # Beside docs/, in the project's build folder (tools/course/checkcache.py).
    cache = None if args.no_cache else args.docs.resolve().parent / "build" / CHECK_CACHE
    findings, seconds = timed_check(paths, args.docs, taxonomy, cache=cache)
    for finding in findings:
        print(finding.github(Path.cwd()) if args.format == "github" else finding.text(Path.cwd()))
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if args.format == "text":
        print(f"{errors} error(s), {warnings} warning(s) in {seconds:.2f} s", file=sys.stderr)
    return 1 if errors else 0


def cmd_handouts(args: argparse.Namespace) -> int:
    from tools.outputs.pdfbuild import build_handouts

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
    articles = scan_articles(DOCS)
    for article in articles:
        if article.category:
            counts[article.category] = counts.get(article.category, 0) + 1
    topic_counts: dict[str, int] = {}
    for article in articles:
        topics = article.front_matter.data.get("topics") if article.front_matter else None
        for topic in topics if isinstance(topics, list) else []:
            topic_counts[str(topic)] = topic_counts.get(str(topic), 0) + 1
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
        topics = [
            {
                "subject": subject.slug,
                "topics": [
                    {"topic": t.slug, "title": t.title, "articles": topic_counts.get(t.slug, 0)}
                    for t in subject.topics
                ],
            }
            for subject in taxonomy.subjects
        ]
        print(json.dumps({"levels": data, "subjects": topics}, indent=2))
        return 0
    slugs = [c.slug for c in taxonomy.categories] + [t.slug for t in taxonomy.topics]
    width = max(map(len, slugs))
    print("Course categories (front matter 'category'):")
    for level in taxonomy.levels:
        print(level.title)
        for course in level.courses:
            print(f"  {course.title}")
            for cat in course.categories:
                print(f"    {cat.slug:<{width}}  {counts.get(cat.slug, 0):>3}  {cat.title}")
    print("\nTopic categories (front matter 'topics'):")
    for subject in taxonomy.subjects:
        print(f"  {subject.title}")
        for topic in subject.topics:
            print(f"    {topic.slug:<{width}}  {topic_counts.get(topic.slug, 0):>3}  {topic.title}")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="course", description=__doc__.splitlines()[0])
    sub = main.add_subparsers(dest="command", required=True)

    new = sub.add_parser(
        "new",
        help="create a new article with complete front matter and a skeleton",
        description="Create docs/articles/<slug>.md from a title and a course category; "
        "asks for whichever is not given.",
    )
    new.add_argument("title", nargs="?", help="the article's title (the slug is made from it)")
    new.add_argument(
        "--category", "-c", metavar="SLUG", help="course category slug (see `course list`)"
    )
    new.add_argument("--docs", type=Path, default=DOCS, help=argparse.SUPPRESS)
    new.set_defaults(func=cmd_new)

    check = sub.add_parser(
        "check",
        help="check pages without building: front matter, links, structure, safety",
        description="Check pages (default: all of docs/). Prints path:line:col: CODE message; "
        "exits 1 if there are errors, 0 if there are only warnings.",
    )
    check.add_argument("paths", nargs="*", help="files or folders to check (default: docs/)")
    check.add_argument(
        "--format",
        choices=["text", "github"],
        default="text",
        help="'github' prints GitHub Actions annotations",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="read every page again (results of unchanged pages are otherwise kept in build/)",
    )
    check.add_argument("--docs", type=Path, default=DOCS, help=argparse.SUPPRESS)
    check.add_argument("--taxonomy", type=Path, default=TAXONOMY, help=argparse.SUPPRESS)
    check.set_defaults(func=cmd_check)

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
    handouts.add_argument(
        "--jobs", type=int, default=2, help="handouts printed at once (default 2)"
    )
    handouts.set_defaults(func=cmd_handouts)

    listing = sub.add_parser(
        "list",
        help="the taxonomy with article counts",
        description="Print the course categories (by level and course) and the topic "
        "categories (by subject), each with its slug and article count.",
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(func=cmd_list)
    return main


def main(argv: list[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE"):  # `course list | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except TaxonomyError as exc:
        print(f"course: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
