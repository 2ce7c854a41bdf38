"""Exam specifications as data: a board's topics and numbered content points.

One YAML file per specification in ``conf/specifications/`` (beside the
taxonomy); the file name is the specification's id, so an article names a
content point as ``<file id>:<point number>``, e.g. ``aqa-8182:3.1.3``. A
second board is a second file, no code. Files are checked on the way in, with
the taxonomy's style of message (file:line, entry, problem), and the ids an
article lists are checked here too, for ``course check`` and the build alike.
Nothing here imports Sphinx.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .frontmatter import ArticleMeta, Problem
from .suggest import did_you_mean
from .taxonomy import SLUG_RE, Taxonomy
from .yamlnodes import compose

#: Where the specification files live: this folder beside the taxonomy file.
FOLDER = "specifications"
#: A topic number ("3.1") or a content point number ("3.1.3").
NUMBER_RE = re.compile(r"^\d+(?:\.\d+)*$")
EXAMPLE_ID = "aqa-8182:3.1.3"


class SpecificationError(Exception):
    """A specification file is malformed; the message names file, line, entry and problem."""

    def __init__(self, message: str, path: Path, line: int = 1) -> None:
        super().__init__(message)
        self.path = path
        self.line = line


@dataclass(frozen=True)
class ContentPoint:
    spec: str  # the specification's id (its file name)
    number: str
    title: str
    items: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.spec}:{self.number}"

    @property
    def anchor(self) -> str:
        """The point's id on its coverage page ("point-3-1-3")."""
        return "point-" + self.number.replace(".", "-")


@dataclass(frozen=True)
class SpecTopic:
    number: str
    title: str
    section: str | None  # the board's own number for this topic, where it differs
    points: tuple[ContentPoint, ...]


@dataclass(frozen=True)
class Specification:
    """One board's specification: what a qualification's exams may ask."""

    id: str
    board: str
    code: str
    qualification: str
    version: str
    url: str | None
    courses: tuple[str, ...]
    topics: tuple[SpecTopic, ...]
    source: str = ""
    _points: dict[str, ContentPoint] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._points.update({p.number: p for t in self.topics for p in t.points})

    @property
    def label(self) -> str:
        """Short name, as a teacher says it: "AQA 8182"."""
        return f"{self.board} {self.code}"

    @property
    def title(self) -> str:
        """Full name: "AQA GCSE Psychology (8182)"."""
        return f"{self.board} {self.qualification} ({self.code})"

    @property
    def points(self) -> list[ContentPoint]:
        return [p for t in self.topics for p in t.points]

    def point(self, number: str) -> ContentPoint | None:
        return self._points.get(number)


@dataclass(frozen=True)
class Specifications:
    """Every specification of the site, by id, with a digest of their files."""

    specs: tuple[Specification, ...] = ()
    digest: str = ""

    def get(self, spec_id: str) -> Specification | None:
        return next((s for s in self.specs if s.id == spec_id), None)

    def point(self, point_id: str) -> ContentPoint | None:
        spec_id, _, number = point_id.partition(":")
        spec = self.get(spec_id)
        return spec.point(number) if spec else None

    def for_course(self, course: str) -> list[Specification]:
        return [s for s in self.specs if course in s.courses]

    def __iter__(self) -> Iterator[Specification]:
        return iter(self.specs)


# --- checking an article's ids ---------------------------------------------------


def spec_problems(
    meta: ArticleMeta, specs: Specifications, taxonomy: Taxonomy
) -> tuple[tuple[str, ...], list[Problem]]:
    """The article's valid content-point ids, and a problem (FM009) for each other one.

    An id must name a specification file and one of its content points, and the
    article's course must be one the specification names (so a Year 7 article
    cannot claim a GCSE point). With no valid category the course is unknown:
    FM005 says why, and the course rule waits until it is fixed.
    """
    line = meta.line_of("spec")
    course = taxonomy.category(meta.category).course if meta.category else None
    valid: list[str] = []
    problems: list[Problem] = []

    def add(message: str) -> None:
        problems.append(Problem(line, "FM009", f"'spec': {message}"))

    every = [p.id for s in specs for p in s.points]
    for point_id in meta.spec:
        spec_id, colon, number = point_id.partition(":")
        spec = specs.get(spec_id)
        if not colon or not number:
            add(
                f"{point_id!r} is not '<specification>:<content point>', "
                f"e.g. {EXAMPLE_ID!r}{did_you_mean(point_id, every)}"
            )
        elif spec is None:
            known = [s.id for s in specs]
            hint = did_you_mean(spec_id, known) or (
                f" (known: {', '.join(known)})" if known else " (there are none)"
            )
            add(f"no specification {spec_id!r} in conf/{FOLDER}/{hint}")
        elif spec.point(number) is None:
            topic = number.rpartition(".")[0]
            near = [p.id for p in spec.points if p.number.startswith(topic + ".")]
            hint = did_you_mean(point_id, near or [p.id for p in spec.points])
            add(f"{point_id!r} is not a content point of {spec.title}{hint}")
        elif course is not None and course not in spec.courses:
            add(
                f"{point_id!r}: {spec.label} is taught in {', '.join(spec.courses)}, "
                f"and this article's category is in {course}"
            )
        elif point_id not in valid:
            valid.append(point_id)
    return tuple(valid), problems


# --- coverage ------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Which articles (slugs) teach each content point of one specification."""

    spec: Specification
    taught: dict[str, tuple[str, ...]]  # point number -> article slugs, in the order given

    @property
    def total(self) -> int:
        return len(self.spec.points)

    @property
    def covered(self) -> int:
        return sum(1 for p in self.spec.points if self.taught.get(p.number))

    def summary(self) -> str:
        return f"{self.covered} of {self.total} content points taught"


def coverage(spec: Specification, articles: Iterable[tuple[str, Iterable[str]]]) -> Coverage:
    """Coverage of *spec* from (article slug, content-point ids) pairs."""
    taught: dict[str, list[str]] = {p.number: [] for p in spec.points}
    for slug, ids in articles:
        for point_id in ids:
            spec_id, _, number = point_id.partition(":")
            if spec_id == spec.id and number in taught and slug not in taught[number]:
                taught[number].append(slug)
    return Coverage(spec, {n: tuple(sorted(s)) for n, s in taught.items()})


# --- loading ---------------------------------------------------------------------------

_TOP = {
    "board": True,
    "code": True,
    "qualification": True,
    "version": True,
    "url": False,
    "courses": True,
    "topics": True,
}
_TOPIC = {"number": True, "title": True, "section": False, "points": True}
_POINT = {"number": True, "title": True, "items": False}


class _Loader:
    """Walks one file's YAML nodes, checking each entry and naming its line."""

    def __init__(self, path: Path, taxonomy: Taxonomy) -> None:
        self.path = path
        self.taxonomy = taxonomy
        self.spec_id = path.stem

    def fail(self, node: yaml.Node | None, entry: str, problem: str) -> SpecificationError:
        if node is None:
            return SpecificationError(f"{self.path}: {entry}: {problem}", self.path)
        line = node.start_mark.line + 1
        return SpecificationError(f"{self.path}:{line}: {entry}: {problem}", self.path, line)

    def mapping(self, node: yaml.Node, keys: dict[str, bool], entry: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, entry, "expected a mapping of 'key: value' lines")
        named = [v.value for k, v in node.value if k.value == "number" and v.value]
        if named and entry != "file":
            entry = f"{entry.split(' of ')[0].removeprefix('a ')} {named[0]}"
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in keys:
                hint = did_you_mean(key, keys)
                raise self.fail(
                    key_node, entry, f"unknown key {key!r}{hint} (allowed: {', '.join(keys)})"
                )
            if key in found:
                raise self.fail(key_node, entry, f"{key!r} is given twice")
            found[key] = value_node
        for key, required in keys.items():
            if required and key not in found:
                raise self.fail(node, entry, f"missing required key {key!r}")
        return found

    def text(self, node: yaml.Node, entry: str, key: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            raise self.fail(node, entry, f"{key!r} must be a non-empty string")
        return str(node.value).strip()

    def texts(self, node: yaml.Node, entry: str, key: str) -> list[tuple[str, yaml.Node]]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise self.fail(node, entry, f"{key!r} must be a non-empty list")
        out: list[tuple[str, yaml.Node]] = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
                raise self.fail(
                    item,
                    entry,
                    f"each of {key!r} must be a non-empty string "
                    "(a phrase containing ': ' needs quotes)",
                )
            out.append((str(item.value).strip(), item))
        return out

    def number(self, node: yaml.Node, entry: str, parent: str | None) -> str:
        number = self.text(node, entry, "number")
        if not NUMBER_RE.match(number):
            raise self.fail(node, entry, f"number {number!r} must be digits joined by dots")
        if parent is not None and not number.startswith(parent + "."):
            raise self.fail(
                node, entry, f"number {number!r} must start with its topic's number {parent!r}."
            )
        return number

    def load(self, root: yaml.Node) -> Specification:
        if not SLUG_RE.match(self.spec_id):
            raise self.fail(
                None,
                "file",
                "the file name is the specification's id: lowercase letters and digits "
                f"joined by hyphens, like 'aqa-8182.yaml' (got {self.path.name!r})",
            )
        top = self.mapping(root, _TOP, "file")
        courses = []
        for slug, node in self.texts(top["courses"], "file", "courses"):
            if self.taxonomy.get("course", slug) is None:
                hint = did_you_mean(slug, self.taxonomy.slugs("course"))
                raise self.fail(node, "file", f"'courses': unknown course {slug!r}{hint}")
            courses.append(slug)
        if not isinstance(top["topics"], yaml.SequenceNode) or not top["topics"].value:
            raise self.fail(top["topics"], "file", "'topics' must be a non-empty list")
        seen: dict[str, int] = {}
        topics = tuple(self.topic(node, seen) for node in top["topics"].value)
        url = self.text(top["url"], "file", "url") if "url" in top else None
        return Specification(
            id=self.spec_id,
            board=self.text(top["board"], "file", "board"),
            code=self.text(top["code"], "file", "code"),
            qualification=self.text(top["qualification"], "file", "qualification"),
            version=self.text(top["version"], "file", "version"),
            url=url,
            courses=tuple(courses),
            topics=topics,
            source=str(self.path),
        )

    def topic(self, node: yaml.Node, seen: dict[str, int]) -> SpecTopic:
        data = self.mapping(node, _TOPIC, "topic")
        number = self.number(data["number"], "topic", None)
        entry = f"topic {number}"
        self.unique(data["number"], number, entry, seen)
        title = self.text(data["title"], entry, "title")
        section = self.text(data["section"], entry, "section") if "section" in data else None
        points_node = data["points"]
        if not isinstance(points_node, yaml.SequenceNode) or not points_node.value:
            raise self.fail(points_node, entry, "'points' must be a non-empty list")
        points = tuple(self.point(n, number, seen) for n in points_node.value)
        return SpecTopic(number, title, section, points)

    def point(self, node: yaml.Node, topic: str, seen: dict[str, int]) -> ContentPoint:
        data = self.mapping(node, _POINT, f"a content point of topic {topic}")
        number = self.number(data["number"], f"a content point of topic {topic}", topic)
        entry = f"content point {number}"
        self.unique(data["number"], number, entry, seen)
        items = (
            tuple(text for text, _ in self.texts(data["items"], entry, "items"))
            if "items" in data
            else ()
        )
        return ContentPoint(self.spec_id, number, self.text(data["title"], entry, "title"), items)

    def unique(self, node: yaml.Node, number: str, entry: str, seen: dict[str, int]) -> None:
        if number in seen:
            raise self.fail(
                node, entry, f"number {number} is used twice (first at line {seen[number]})"
            )
        seen[number] = node.start_mark.line + 1


def load_specification(path: str | Path, taxonomy: Taxonomy) -> Specification:
    """Read and check one specification file; raise SpecificationError naming what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecificationError(
            f"{path}: cannot read the specification file: {exc}", path
        ) from None
    try:
        root = compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecificationError(f"{path}:{line}: not valid YAML: {problem}", path, line) from None
    if root is None:
        raise SpecificationError(f"{path}: the specification file is empty", path)
    return _Loader(path, taxonomy).load(root)


def specifications_folder(taxonomy_path: str | Path) -> Path:
    """The folder of specification files that goes with a taxonomy file."""
    return Path(taxonomy_path).parent / FOLDER


def load_specifications(folder: str | Path, taxonomy: Taxonomy) -> Specifications:
    """Every ``*.yaml`` file of *folder* (none if it does not exist), checked."""
    folder = Path(folder)
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    digest = hashlib.sha256()
    specs = []
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        specs.append(load_specification(path, taxonomy))
    return Specifications(tuple(specs), digest.hexdigest()[:16] if files else "")


def point_title(point: ContentPoint) -> str:
    """How a point reads in a list: "3.1.3 Memory as an active process"."""
    return f"{point.number} {point.title}"
