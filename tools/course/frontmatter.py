"""Article front matter: read with line numbers, validate into a typed model.

MyST hands front matter to Sphinx as JSON strings without positions, so the
build and the ``course check`` command both read the raw YAML block here
instead, which keeps the line of every key for messages like
``docs/articles/x.md:3: 'category': unknown category 'treatment-aproaches'``.
Nothing here imports Sphinx.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .suggest import did_you_mean
from .taxonomy import Taxonomy

#: Pages under this folder of ``docs/`` are articles; every other page (home,
#: glossary, contributing, generated pages) is exempt from the article schema.
ARTICLES_DIR = "articles"

#: Front-matter keys that change how MyST parses the page (raw HTML, Jinja
#: substitutions, meta refresh tags...). Refused on every page, before MyST sees them.
PARSER_SETTING_KEYS = ("myst", "mystnb", "substitutions", "html_meta")

SUMMARY_MAX = 200

#: key -> (expected type, description used in messages)
ARTICLE_FIELDS: dict[str, tuple[type, str]] = {
    "category": (str, "a course-category slug"),
    "topics": (list, "a list of topic-category slugs"),
    "related": (list, "a list of article slugs"),
    "summary": (str, f"one sentence of at most {SUMMARY_MAX} characters"),
    "objectives": (list, "a list of learning objectives"),
    "keywords": (list, "a list of keywords"),
    "show_related": (bool, "true or false"),
}
REQUIRED_FIELDS = ("category", "summary")


def is_article(docname: str) -> bool:
    """The documented rule: a page is an article when it lives in ``docs/articles/``."""
    return docname.startswith(ARTICLES_DIR + "/")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a page, at a 1-based line of its source file."""

    line: int
    code: str
    message: str
    severity: str = "error"  # or "warning"


@dataclass(frozen=True)
class FrontMatter:
    """The raw front-matter mapping, with the line of each top-level key."""

    data: dict[str, Any]
    lines: dict[str, int]
    first_line: int  # the opening '---'
    last_line: int  # the closing '---'


@dataclass(frozen=True)
class ArticleMeta:
    """Validated article front matter (fields that failed validation are empty)."""

    category: str | None
    summary: str
    topics: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    show_related: bool = True
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


#: libyaml's parser when PyYAML was built with it (ten times faster on a large site).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_FENCE = re.compile(r"^---\s*$")
_END = re.compile(r"^(---|\.\.\.)\s*$")


def read_front_matter(text: str) -> tuple[FrontMatter | None, list[Problem]]:
    """Split off and parse the YAML block that opens a page, if there is one."""
    lines = text.splitlines()
    if not lines or not _FENCE.match(lines[0]):
        return None, []
    end = 0
    for end, line in enumerate(lines[1:], start=1):  # noqa: B007 (used after the loop)
        if _END.match(line):
            break
    else:
        return None, [Problem(1, "FM001", "front matter opened with '---' is never closed")]
    block = "\n".join(lines[1:end])
    try:
        root = yaml.compose(block, Loader=_LOADER)
        data = yaml.load(block, Loader=_LOADER)  # a safe loader (libyaml or pure Python)
    except yaml.YAMLError as exc:
        # An unclosed [list] or {mapping} is best reported where it was opened.
        context = getattr(exc, "context", None) or ""
        mark = getattr(exc, "context_mark" if "flow" in context else "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        return None, [Problem(line, "FM001", f"front matter is not valid YAML: {problem}")]
    if data is None:
        data, root = {}, None
    if not isinstance(data, dict):
        return None, [Problem(2, "FM001", "front matter must be a mapping of 'key: value' lines")]
    key_lines: dict[str, int] = {}
    if isinstance(root, yaml.MappingNode):
        for key_node, _ in root.value:
            key_lines[str(key_node.value)] = key_node.start_mark.line + 2
    return FrontMatter(data, key_lines, 1, end + 1), []


def parser_setting_problems(fm: FrontMatter | None) -> list[Problem]:
    """Page-level parser settings are refused: a page is untrusted input."""
    if fm is None:
        return []
    return [
        Problem(
            fm.lines.get(key, 1),
            "SEC001",
            f"{key!r} in front matter would change parser settings for this page; "
            "it is not allowed and was ignored",
        )
        for key in PARSER_SETTING_KEYS
        if key in fm.data
    ]


def strip_parser_settings(text: str, fm: FrontMatter) -> str:
    """Blank out parser-setting keys (and their nested lines) so MyST never sees them.

    Lines are replaced by YAML comments, never removed, so every line number
    in later messages still matches the file.
    """
    lines = text.split("\n")
    inside = False
    for i in range(fm.first_line, fm.last_line - 1):
        line = lines[i]
        top_key = re.match(r"^([^\s#][^:]*):", line)
        if top_key:
            inside = top_key.group(1).strip().strip("'\"") in PARSER_SETTING_KEYS
        if inside:
            lines[i] = "# (removed: parser setting)"
    stripped = "\n".join(lines)
    again, _ = read_front_matter(stripped)
    if again is not None and any(key in again.data for key in PARSER_SETTING_KEYS):
        # Written in a form the line filter cannot see (flow style, anchors...):
        # drop the whole block rather than let any of it through.
        for i in range(fm.first_line, fm.last_line - 1):
            lines[i] = "# (removed: parser setting)"
        stripped = "\n".join(lines)
    return stripped


def _as_str_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return [v.strip() for v in value]
    return None


def validate_article(
    fm: FrontMatter | None, taxonomy: Taxonomy
) -> tuple[ArticleMeta, list[Problem]]:
    """Check an article's front matter against the schema and the taxonomy.

    ``related`` slugs are checked later, against the set of all articles.
    """
    problems: list[Problem] = []
    if fm is None:
        problems.append(
            Problem(
                1,
                "FM004",
                "an article needs front matter with at least 'category' and 'summary'",
            )
        )
        return ArticleMeta(category=None, summary=""), problems

    def add(key: str, code: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(fm.lines.get(key, 1), code, message, severity))

    values: dict[str, Any] = {}
    for key, value in fm.data.items():
        if key in PARSER_SETTING_KEYS:
            continue  # reported by parser_setting_problems
        if key not in ARTICLE_FIELDS:
            hint = did_you_mean(str(key), ARTICLE_FIELDS)
            add(
                key,
                "FM002",
                f"unknown front-matter key {key!r}{hint} (allowed: {', '.join(ARTICLE_FIELDS)})",
            )
            continue
        expected_type, expected = ARTICLE_FIELDS[key]
        if expected_type is list:
            items = _as_str_list(value)
            if items is None:
                add(key, "FM003", f"{key!r} must be {expected}, got {_describe(value)}")
                continue
            values[key] = items
        elif not isinstance(value, expected_type) or (expected_type is str and not value.strip()):
            add(key, "FM003", f"{key!r} must be {expected}, got {_describe(value)}")
        else:
            values[key] = value.strip() if isinstance(value, str) else value

    for key in REQUIRED_FIELDS:
        if key not in fm.data:
            problems.append(
                Problem(
                    fm.first_line,
                    "FM004",
                    f"missing required front-matter key {key!r} ({ARTICLE_FIELDS[key][1]})",
                )
            )

    category = values.get("category")
    if category is not None and taxonomy.get("category", category) is None:
        hint = did_you_mean(category, taxonomy.slugs("category"))
        add("category", "FM005", f"'category': unknown course category {category!r}{hint}")
        category = None

    topics: list[str] = []
    for slug in values.get("topics", []):
        if taxonomy.get("topic", slug) is None:
            hint = did_you_mean(slug, taxonomy.slugs("topic"))
            add("topics", "FM006", f"'topics': unknown topic category {slug!r}{hint}")
        elif slug not in topics:
            topics.append(slug)

    summary = values.get("summary", "")
    if summary:
        if len(summary) > SUMMARY_MAX:
            add(
                "summary",
                "FM008",
                f"'summary' is {len(summary)} characters; keep it to one sentence "
                f"of at most {SUMMARY_MAX}",
            )
        elif len(re.findall(r"[.!?](?:\s|$)", summary)) > 1:
            add("summary", "FM008", "'summary' should be one sentence")

    meta = ArticleMeta(
        category=category,
        summary=summary,
        topics=tuple(topics),
        related=tuple(dict.fromkeys(values.get("related", []))),
        objectives=tuple(values.get("objectives", [])),
        keywords=tuple(values.get("keywords", [])),
        show_related=values.get("show_related", True),
        lines=dict(fm.lines),
    )
    return meta, sorted(problems, key=lambda p: p.line)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"
