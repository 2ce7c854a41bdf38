"""The course taxonomy: levels → courses → categories, and subjects → topics.

Loaded from the YAML file in ``conf/`` (the one source of truth) into frozen
dataclasses, and checked on the way in, so every other part of the build can
trust it. Nothing here imports Sphinx: the command-line tools use it too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from .suggest import did_you_mean
from .yamlnodes import compose

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Kind(StrEnum):
    """The five kinds of taxonomy entry, each with its generated page.

    A ``StrEnum``: a kind is also its own name in front matter, roles and paths.
    """

    LEVEL = "level"
    COURSE = "course"
    CATEGORY = "category"
    SUBJECT = "subject"
    TOPIC = "topic"


class TaxonomyError(Exception):
    """The taxonomy file is malformed; the message names file, entry and problem."""


@dataclass(frozen=True)
class Category:
    slug: str
    title: str
    description: str
    course: str  # course slug
    level: str  # level slug
    subjects: tuple[str, ...] = ()  # topic subjects this category mainly teaches


@dataclass(frozen=True)
class Course:
    slug: str
    title: str
    description: str
    level: str
    categories: tuple[Category, ...]


@dataclass(frozen=True)
class Level:
    slug: str
    title: str
    description: str
    reading_grade: float
    courses: tuple[Course, ...]
    #: The most words of running text an article at this level should have.
    max_words: int | None = None


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    description: str
    subject: str  # subject slug


@dataclass(frozen=True)
class Subject:
    slug: str
    title: str
    description: str
    topics: tuple[Topic, ...]


@dataclass(frozen=True)
class Taxonomy:
    """The whole taxonomy, in reading order, with lookups by slug."""

    levels: tuple[Level, ...]
    subjects: tuple[Subject, ...]
    source: str = ""
    digest: str = ""
    _index: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, dict[str, Any]] = {
            Kind.LEVEL: {lv.slug: lv for lv in self.levels},
            Kind.COURSE: {c.slug: c for c in self.courses},
            Kind.CATEGORY: {c.slug: c for c in self.categories},
            Kind.SUBJECT: {s.slug: s for s in self.subjects},
            Kind.TOPIC: {t.slug: t for t in self.topics},
        }
        self._index.update(index)

    @property
    def courses(self) -> list[Course]:
        return [c for lv in self.levels for c in lv.courses]

    @property
    def categories(self) -> list[Category]:
        return [cat for c in self.courses for cat in c.categories]

    @property
    def topics(self) -> list[Topic]:
        return [t for s in self.subjects for t in s.topics]

    def slugs(self, kind: str) -> list[str]:
        """All slugs of one kind ('level', 'course', 'category', 'subject', 'topic')."""
        return list(self._index[kind])

    def get(self, kind: str, slug: str) -> Any:
        return self._index[kind].get(slug)

    def level(self, slug: str) -> Level:
        return self._index["level"][slug]  # type: ignore[no-any-return]

    def course(self, slug: str) -> Course:
        return self._index["course"][slug]  # type: ignore[no-any-return]

    def category(self, slug: str) -> Category:
        return self._index["category"][slug]  # type: ignore[no-any-return]

    def subject(self, slug: str) -> Subject:
        return self._index["subject"][slug]  # type: ignore[no-any-return]

    def topic(self, slug: str) -> Topic:
        return self._index["topic"][slug]  # type: ignore[no-any-return]

    def category_label(self, slug: str) -> str:
        """Unambiguous title, as a reader says it: six courses have an 'Introduction to Psychology'.

        A level with one course is a school year: "Year 10 · Human Development"
        (the level's title without its bracketed note). A level with several
        courses offers modules: "Cognitive Processes — Cognitive Psychology module".
        """
        cat = self.category(slug)
        level = self.level(cat.level)
        if len(level.courses) == 1:
            short = re.sub(r"\s*\([^)]*\)\s*$", "", level.title) or level.title
            return f"{short} · {cat.title}"
        return f"{cat.title} — {self.course(cat.course).title} module"

    def category_order(self) -> dict[str, int]:
        """Position of each category in course order, for sorting."""
        return {cat.slug: i for i, cat in enumerate(self.categories)}

    def level_order(self) -> dict[str, int]:
        return {lv.slug: i for i, lv in enumerate(self.levels)}


# --- loading ---------------------------------------------------------------

_ENTRY_KEYS = {"slug", "title", "description"}
_SCHEMA: dict[str, tuple[set[str], set[str]]] = {
    # kind: (required keys, optional keys)
    "level": (_ENTRY_KEYS | {"courses", "reading_grade"}, {"max_words"}),
    "course": (_ENTRY_KEYS | {"categories"}, set()),
    "category": (set(_ENTRY_KEYS), {"subjects"}),
    "subject": (_ENTRY_KEYS | {"topics"}, set()),
    "topic": (set(_ENTRY_KEYS), set()),
}


class _Loader:
    """Walks the parsed YAML, checking each entry and remembering its line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: dict[str, dict[str, int]] = {k: {} for k in _SCHEMA}
        self.subject_refs: list[tuple[str, int, str]] = []  # (slug, line, entry label)

    def fail(self, line: int | None, entry: str, problem: str) -> TaxonomyError:
        where = f"{self.path}:{line}" if line else str(self.path)
        return TaxonomyError(f"{where}: {entry}: {problem}")

    def entry(self, kind: str, node: yaml.Node, where: str) -> dict[str, Any]:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(line, where, f"expected a mapping describing a {kind}")
        data: dict[str, Any] = {}
        nodes: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            data[key_node.value] = value_node
            nodes[key_node.value] = key_node
        required, optional = _SCHEMA[kind]
        slug_node = data.get("slug")
        slug = slug_node.value if isinstance(slug_node, yaml.ScalarNode) else None
        label = f"{kind} {slug!r}" if slug else f"{kind} in {where}"
        for key, key_node in nodes.items():
            if key not in required | optional:
                hint = did_you_mean(key, sorted(required | optional))
                raise self.fail(key_node.start_mark.line + 1, label, f"unknown key {key!r}{hint}")
        for key in sorted(required):
            if key not in data:
                raise self.fail(line, label, f"missing required key {key!r}")
        for key in _ENTRY_KEYS:
            value = data[key]
            if not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
                raise self.fail(
                    value.start_mark.line + 1, label, f"{key!r} must be a non-empty string"
                )
        if not SLUG_RE.match(slug or ""):
            raise self.fail(
                line, label, "slug must be lowercase letters and digits joined by hyphens"
            )
        assert slug is not None
        if slug in self.seen[kind]:
            raise self.fail(
                line, label, f"duplicate slug (first defined at line {self.seen[kind][slug]})"
            )
        self.seen[kind][slug] = line
        return {
            "slug": slug,
            "title": str(data["title"].value).strip(),
            "description": str(data["description"].value).strip(),
            "_nodes": data,
            "_line": line,
            "_label": label,
        }

    def children(self, parent: dict[str, Any], key: str, kind: str) -> Iterator[yaml.Node]:
        node = parent["_nodes"][key]
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise self.fail(
                node.start_mark.line + 1, parent["_label"], f"{key!r} must be a non-empty list"
            )
        yield from node.value

    def load(self, root: yaml.Node) -> Taxonomy:
        if not isinstance(root, yaml.MappingNode):
            raise self.fail(1, "file", "expected a mapping with 'levels' and 'subjects'")
        top = {k.value: v for k, v in root.value}
        for key in top:
            if key not in ("levels", "subjects"):
                raise self.fail(1, "file", f"unknown top-level key {key!r}")
        for key in ("levels", "subjects"):
            if not isinstance(top.get(key), yaml.SequenceNode):
                raise self.fail(1, "file", f"missing or empty list {key!r}")
        levels = tuple(self.level(n) for n in top["levels"].value)
        subjects = tuple(self.subject(n) for n in top["subjects"].value)
        self.check_references(subjects)
        return Taxonomy(levels=levels, subjects=subjects)

    def check_references(self, subjects: tuple[Subject, ...]) -> None:
        """Categories may name subjects; each name must exist."""
        known = [s.slug for s in subjects]
        for slug, line, label in self.subject_refs:
            if slug not in known:
                raise self.fail(
                    line,
                    label,
                    f"unknown subject {slug!r} in 'subjects'{did_you_mean(slug, known)}",
                )

    def level(self, node: yaml.Node) -> Level:
        e = self.entry("level", node, "levels")
        grade_node = e["_nodes"]["reading_grade"]
        try:
            grade = float(grade_node.value)
        except (TypeError, ValueError):
            raise self.fail(
                grade_node.start_mark.line + 1, e["_label"], "'reading_grade' must be a number"
            ) from None
        max_words = None
        if "max_words" in e["_nodes"]:
            words_node = e["_nodes"]["max_words"]
            if not str(words_node.value).isdigit() or int(words_node.value) < 1:
                raise self.fail(
                    words_node.start_mark.line + 1,
                    e["_label"],
                    "'max_words' must be a positive whole number",
                )
            max_words = int(words_node.value)
        courses = tuple(self.course(n, e["slug"]) for n in self.children(e, "courses", "course"))
        return Level(e["slug"], e["title"], e["description"], grade, courses, max_words)

    def course(self, node: yaml.Node, level: str) -> Course:
        e = self.entry("course", node, f"level {level!r}")
        cats = tuple(
            self.category(n, e["slug"], level) for n in self.children(e, "categories", "category")
        )
        return Course(e["slug"], e["title"], e["description"], level, cats)

    def category(self, node: yaml.Node, course: str, level: str) -> Category:
        e = self.entry("category", node, f"course {course!r}")
        subjects: list[str] = []
        if "subjects" in e["_nodes"]:
            seq = e["_nodes"]["subjects"]
            if not isinstance(seq, yaml.SequenceNode) or not all(
                isinstance(n, yaml.ScalarNode) for n in seq.value
            ):
                raise self.fail(
                    seq.start_mark.line + 1, e["_label"], "'subjects' must be a list of slugs"
                )
            for n in seq.value:
                subjects.append(n.value)
                self.subject_refs.append((n.value, n.start_mark.line + 1, e["_label"]))
        return Category(e["slug"], e["title"], e["description"], course, level, tuple(subjects))

    def subject(self, node: yaml.Node) -> Subject:
        e = self.entry("subject", node, "subjects")
        topics = tuple(
            Topic(t["slug"], t["title"], t["description"], e["slug"])
            for t in (
                self.entry("topic", n, f"subject {e['slug']!r}")
                for n in self.children(e, "topics", "topic")
            )
        )
        return Subject(e["slug"], e["title"], e["description"], topics)


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read and check the taxonomy file; raise TaxonomyError naming what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TaxonomyError(f"{path}: cannot read the taxonomy file: {exc.strerror}") from None
    try:
        root = compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise TaxonomyError(f"{path}{line}: not valid YAML: {problem}") from None
    if root is None:
        raise TaxonomyError(f"{path}: the taxonomy file is empty")
    taxonomy = _Loader(path).load(root)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return Taxonomy(
        levels=taxonomy.levels, subjects=taxonomy.subjects, source=str(path), digest=digest
    )
