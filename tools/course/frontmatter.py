"""Front matter: found where MyST finds it, read with key lines, and handed to MyST re-written.

MyST locates front matter with its markdown-it plugin and applies some of
its keys as parser settings (``myst:``, ``substitutions:``, ``html_meta:``:
raw HTML back on, Jinja substitutions evaluated). A page is untrusted, so the
build never gives MyST the page's own block: :func:`safe_source` re-writes
it from the allowlisted keys only, one JSON value per key on the key's own
line, so every later line keeps its number. A block that cannot be read
unambiguously fails closed: MyST gets a stub page instead. ``course check``
reads the same way, so messages match, e.g.
``docs/articles/x.md:3: 'category': unknown category 'treatment-aproaches'``.
Nothing here imports Sphinx.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .reader import FrontMatterBlock, Problem, find_front_matter, split_lines
from .suggest import did_you_mean
from .taxonomy import Taxonomy
from .yamlnodes import LOADER, compose

__all__ = ["Problem"]

#: Pages under this folder of ``docs/`` are articles; every other page (home,
#: glossary, contributing, generated pages) is exempt from the article schema.
ARTICLES_DIR = "articles"

#: Front-matter keys that change how MyST parses the page (raw HTML, Jinja
#: substitutions, meta refresh tags...). Never passed on; a page that has one is not published.
PARSER_SETTING_KEYS = ("myst", "mystnb", "substitutions", "html_meta")

SUMMARY_MAX = 200

#: key -> (expected type, description used in messages). The allowlist of
#: front-matter keys for every page: nothing else reaches MyST.
ARTICLE_FIELDS: dict[str, tuple[type, str]] = {
    "category": (str, "a course-category slug"),
    "topics": (list, "a list of topic-category slugs"),
    "related": (list, "a list of article slugs"),
    "summary": (str, f"one sentence of at most {SUMMARY_MAX} characters"),
    "objectives": (list, "a list of learning objectives"),
    "keywords": (list, "a list of keywords"),
    "show_related": (bool, "true or false"),
    "prerequisites": (list, "a list of article slugs"),
    "order": (int, "a whole number (position within its category)"),
    "spec": (list, "a list of exam-specification content points, e.g. 'aqa-8182:3.1.3'"),
}
REQUIRED_FIELDS = ("category", "summary")

#: What MyST is given instead of a page that may not be published.
STUB_TITLE = "Page not published"
STUB_TEXT = (
    "This page was not published because it did not pass the course's checks; "
    "run `course check` on its source to see why.\n"
)

#: Line breaks that YAML or Python's ``splitlines`` know and markdown-it does not.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


def is_article(docname: str) -> bool:
    """The documented rule: a page is an article when it lives in ``docs/articles/``."""
    return docname.startswith(ARTICLES_DIR + "/")


@dataclass(frozen=True)
class FrontMatter:
    """The front-matter mapping, with the line of each top-level key."""

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
    prerequisites: tuple[str, ...] = ()
    order: int | None = None
    spec: tuple[str, ...] = ()  # content-point ids, checked against conf/specifications/
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def read_front_matter(text: str) -> tuple[FrontMatter | None, list[Problem]]:
    """The page's front matter, as MyST finds it; any problem means it cannot be trusted.

    Problems here (code FM001) make the page fail closed in the build.
    """
    block = find_front_matter(text)
    if block is None:
        return None, []
    if block.last_line == 0:
        return None, [Problem(1, "FM001", "front matter opened with '---' is never closed")]
    problem = _ambiguity(text, block)
    if problem:
        return None, [problem]
    try:
        root = compose(block.content)
        data = yaml.load(block.content, Loader=LOADER)  # a safe loader (libyaml or pure Python)
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        # An unclosed [list] or {mapping} is best reported where it was opened.
        context = getattr(exc, "context", None) or ""
        mark = getattr(exc, "context_mark" if "flow" in context else "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem_text = getattr(exc, "problem", None) or "cannot be parsed"
        return None, [Problem(line, "FM001", f"front matter is not valid YAML: {problem_text}")]
    if data is None:
        return FrontMatter({}, {}, block.first_line, block.last_line), []
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        return None, [Problem(2, "FM001", "front matter must be a mapping of 'key: value' lines")]
    key_lines: dict[str, int] = {}
    for key_node, _ in root.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 2
        if not isinstance(key_node, yaml.ScalarNode) or key == "<<":
            return None, [Problem(line, "FM001", "front-matter keys must be plain words")]
        if key in key_lines:
            return None, [
                Problem(line, "FM001", f"{key!r} is given twice (first at line {key_lines[key]})")
            ]
        key_lines[key] = line
    return FrontMatter(data, key_lines, block.first_line, block.last_line), []


def _ambiguity(text: str, block: FrontMatterBlock) -> Problem | None:
    """Why two readers could disagree about this block, if they could.

    MyST's config reader takes the first line *starting* with ``---`` or
    ``...`` as the end and splits lines as Python does; markdown-it needs a
    whole fence and splits only at CR/LF; YAML breaks lines at U+2028 too. A
    block all of them read the same way opens and closes with a line of
    exactly ``---`` (or ``...``), has no other line starting with those, and
    no line break that only some of them know.
    """
    lines = split_lines(text)[: block.last_line]
    if not block.opening.startswith("---") or not _FENCE.match(block.opening):
        return Problem(1, "FM001", "front matter must open with a line of exactly '---'")
    if not _FENCE.match(block.closing):
        return Problem(
            block.last_line, "FM001", "front matter must close with a line of exactly '---'"
        )
    for number, line in enumerate(lines, start=1):
        if _OTHER_BREAKS.search(line):
            return Problem(
                number,
                "FM001",
                "front matter contains an unusual line break (U+2028, form feed...); "
                "use ordinary line breaks",
            )
        if 1 < number < block.last_line and line.startswith(("---", "...")):
            return Problem(number, "FM001", "a front-matter line may not start with '---' or '...'")
    return None


def front_matter_problems(fm: FrontMatter | None, *, article: bool = True) -> list[Problem]:
    """Keys that are not passed on: parser settings (SEC001, every page) and, on
    articles, keys not on the allowlist (FM002) or values that are not plain data (FM003).

    Other pages are exempt from the article schema: their unknown keys are
    dropped without a word, as MyST would have only shown them as metadata.
    """
    if fm is None:
        return []
    problems: list[Problem] = []
    for key, line in fm.lines.items():
        if key not in PARSER_SETTING_KEYS and not article:
            continue
        if key in PARSER_SETTING_KEYS:
            problems.append(
                Problem(
                    line,
                    "SEC001",
                    f"{key!r} in front matter would change parser settings for this page; "
                    f"it is not allowed (allowed keys: {', '.join(ARTICLE_FIELDS)})",
                )
            )
        elif key not in ARTICLE_FIELDS:
            hint = did_you_mean(str(key), ARTICLE_FIELDS)
            problems.append(
                Problem(
                    line,
                    "FM002",
                    f"unknown front-matter key {key!r}{hint} (allowed: {', '.join(ARTICLE_FIELDS)})",
                )
            )
        elif not _plain(fm.data[key]):
            problems.append(
                Problem(
                    line,
                    "FM003",
                    f"{key!r} must be {ARTICLE_FIELDS[key][1]}, got {_describe(fm.data[key])}",
                )
            )
    return problems


def _plain(value: Any) -> bool:
    """Text, numbers, booleans and lists or mappings of them: what JSON can carry."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


_SURROGATES = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")


def _dump(value: Any) -> str:
    """One line of YAML for a plain value: ASCII JSON (surrogate pairs as YAML's ``\\U``)."""
    out = json.dumps(value, ensure_ascii=True)
    return _SURROGATES.sub(
        lambda m: "\\U%08x" % (0x10000 + ((int(m[1], 16) - 0xD800) << 10) + int(m[2], 16) - 0xDC00),
        out,
    )


def stub_page(fm_block: str = "") -> str:
    """What MyST reads instead of a page that may not be published: no word of the page."""
    return f"{fm_block}# {STUB_TITLE}\n\n{STUB_TEXT}"


def safe_source(
    text: str, *, article: bool = True
) -> tuple[str, list[Problem], FrontMatter | None]:
    """The text to give MyST, the problems found, and the front matter that was kept.

    Only allowlisted keys with plain values are written back, each as
    ``key: <JSON>`` on its own original line, the rest of the block blank, so
    no parser setting can reach MyST and every line keeps its number. If the
    block cannot be read unambiguously the text is :func:`stub_page`.
    """
    fm, problems = read_front_matter(text)
    if problems:
        return stub_page(), problems + _settings_in_unreadable(text), None
    if fm is None:
        return text, [], None
    problems = front_matter_problems(fm, article=article)
    kept = {
        key: value
        for key, value in fm.data.items()
        if key in ARTICLE_FIELDS and key in fm.lines and _plain(value)
    }
    lines = split_lines(text)
    block = [""] * (fm.last_line - fm.first_line - 1)
    for key, value in kept.items():
        index = fm.lines[key] - fm.first_line - 1
        if not 0 <= index < len(block) or block[index]:
            return (
                stub_page(),
                [Problem(fm.lines[key], "FM001", "write each front-matter key on its own line")],
                None,
            )
        block[index] = f"{key}: {_dump(value)}"
    written = "\n".join(block)
    if (yaml.load(written, Loader=LOADER) or {}) != kept:
        return (
            stub_page(),
            [Problem(fm.first_line, "FM001", "front matter could not be re-written exactly")],
            None,
        )
    rest = lines[fm.last_line :]
    fence = "---" if kept else ""  # nothing kept: no block at all (MyST warns about an empty one)
    safe = "\n".join([fence, *block, fence, *rest])
    return (
        safe,
        problems,
        FrontMatter(kept, {k: fm.lines[k] for k in kept}, fm.first_line, fm.last_line),
    )


def _settings_in_unreadable(text: str) -> list[Problem]:
    """Parser settings in a block that failed closed, reported too (what was attempted)."""
    block = find_front_matter(text)
    if block is None or not block.content:
        return []
    try:
        data = yaml.load(block.content, Loader=LOADER)
    except (yaml.YAMLError, ValueError, RecursionError):
        return []
    if not isinstance(data, dict):
        return []
    lines = {str(k): 0 for k in data}
    for number, line in enumerate(block.content.split("\n"), start=block.first_line + 1):
        key = line.split(":", 1)[0].strip().strip("'\"")
        if key in lines and not lines[key]:
            lines[key] = number
    fm = FrontMatter(data, {k: v or block.first_line for k, v in lines.items()}, 1, 0)
    return [p for p in front_matter_problems(fm) if p.code == "SEC001"]


def safe_block(fm: FrontMatter | None) -> str:
    """The re-written front-matter block alone (for a stub page that keeps its metadata)."""
    if fm is None or not fm.data:
        return ""
    return "---\n" + "".join(f"{k}: {_dump(v)}\n" for k, v in fm.data.items()) + "---\n\n"


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
        if key not in ARTICLE_FIELDS:
            continue  # reported by front_matter_problems, and never passed on
        expected_type, expected = ARTICLE_FIELDS[key]
        if expected_type is list:
            items = _as_str_list(value)
            if items is None:
                add(key, "FM003", f"{key!r} must be {expected}, got {_describe(value)}")
                continue
            values[key] = items
        elif (
            not isinstance(value, expected_type)
            or (isinstance(value, str) and not value.strip())
            or (expected_type is int and isinstance(value, bool))
        ):
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
        if taxonomy.get("topic", category) is not None:
            add(
                "category",
                "FM005",
                f"'category': {category!r} is a topic category, not a course category: "
                "it belongs in 'topics'; 'category' takes one slug from the first list "
                "`course list` prints (Course categories)",
            )
        else:
            hint = did_you_mean(category, taxonomy.slugs("category"))
            add("category", "FM005", f"'category': unknown course category {category!r}{hint}")
        category = None

    topics: list[str] = []
    for slug in values.get("topics", []):
        if taxonomy.get("topic", slug) is None:
            if taxonomy.get("category", slug) is not None:
                add(
                    "topics",
                    "FM006",
                    f"'topics': {slug!r} is a course category, not a topic category: it "
                    "belongs in 'category' (one per article); 'topics' take slugs from the "
                    "second list `course list` prints (Topic categories)",
                )
                continue
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
        prerequisites=tuple(dict.fromkeys(values.get("prerequisites", []))),
        order=values.get("order"),
        spec=tuple(dict.fromkeys(values.get("spec", []))),
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
