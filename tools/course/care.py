"""Care on sensitive topics, as data: which articles need a content note.

``conf/sensitive-topics.yaml`` (beside the taxonomy) lists the topics and
keyword phrases that mark an article as sensitive, the UK support lines a
content note offers on school-level pages, and the safeguarding reminder the
instructor edition prints. The file is checked on the way in with the
taxonomy's style of message (file:line, entry, problem). ``course check`` and
the build both read it from here; nothing here imports Sphinx.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from .frontmatter import ArticleMeta
from .suggest import did_you_mean
from .taxonomy import Taxonomy
from .yamlnodes import compose

#: The file's name, beside the taxonomy file.
FILE = "sensitive-topics.yaml"
#: The directive that gives a page its content note.
DIRECTIVE = "content-note"


class CareError(Exception):
    """The file is malformed; the message names file, line, entry and problem."""

    def __init__(self, message: str, path: Path, line: int = 1) -> None:
        super().__init__(message)
        self.path = path
        self.line = line


@dataclass(frozen=True)
class SupportLine:
    name: str
    contact: str  # what to do: "call 0800 1111", "text SHOUT to 85258"
    about: str
    url: str


@dataclass(frozen=True)
class Care:
    """What makes an article sensitive, and what its content note offers."""

    topics: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    support_levels: frozenset[str] = frozenset()
    support_lines: tuple[SupportLine, ...] = ()
    safeguarding: str = ""
    digest: str = ""

    def reason(self, meta: ArticleMeta) -> str | None:
        """Why *meta*'s article is sensitive ("topic 'x'", "keyword 'y'"), or None."""
        for topic in meta.topics:
            if topic in self.topics:
                return f"its topic {topic!r}"
        for keyword in meta.keywords:
            for phrase in self.keywords:
                if phrase in keyword.casefold():
                    return f"its keyword {keyword!r}"
        return None


def care_file(taxonomy_path: str | Path) -> Path:
    return Path(taxonomy_path).parent / FILE


_KEYS = {
    "topics": True,
    "keywords": True,
    "support_levels": True,
    "support_lines": True,
    "safeguarding": True,
}
_LINE_KEYS = ("name", "contact", "about", "url")


def load_care(path: str | Path, taxonomy: Taxonomy) -> Care:
    """The file at *path*, checked against *taxonomy*; no file means no sensitive topics."""
    path = Path(path)
    if not path.is_file():
        return Care()
    raw = path.read_bytes()
    try:
        root = compose(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CareError(f"{path}: the file is not readable YAML: {exc}", path) from None

    def fail(node: yaml.Node, entry: str, problem: str) -> CareError:
        line = node.start_mark.line + 1
        return CareError(f"{path}:{line}: {entry}: {problem}", path, line)

    def texts(node: yaml.Node, entry: str) -> list[str]:
        if not isinstance(node, yaml.SequenceNode) or not all(
            isinstance(item, yaml.ScalarNode) and str(item.value).strip() for item in node.value
        ):
            raise fail(node, entry, "expected a list of non-empty strings, e.g. [a, b]")
        return [str(item.value).strip() for item in node.value]

    def text(node: yaml.Node, entry: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            raise fail(node, entry, "expected a non-empty string")
        return " ".join(str(node.value).split())

    def mapping(node: yaml.Node, keys: dict[str, bool], entry: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise fail(node, entry, "expected a mapping of 'key: value' lines")
        found = {str(k.value): v for k, v in node.value}
        for key_node, _ in node.value:
            if key_node.value not in keys:
                hint = did_you_mean(str(key_node.value), keys)
                raise fail(key_node, entry, f"unknown key {key_node.value!r}{hint}")
        for key, required in keys.items():
            if required and key not in found:
                raise fail(node, entry, f"missing required key {key!r}")
        return found

    if root is None:
        return Care()
    top = mapping(root, _KEYS, "file")
    topics = texts(top["topics"], "topics")
    known_topics = taxonomy.slugs("topic")
    for topic, node in zip(topics, top["topics"].value, strict=True):
        if topic not in known_topics:
            hint = did_you_mean(topic, known_topics)
            raise fail(node, "topics", f"{topic!r} is not a topic slug{hint}")
    levels = texts(top["support_levels"], "support_levels")
    known_levels = taxonomy.slugs("level")
    for level, node in zip(levels, top["support_levels"].value, strict=True):
        if level not in known_levels:
            hint = did_you_mean(level, known_levels)
            raise fail(node, "support_levels", f"{level!r} is not a level slug{hint}")
    lines_node = top["support_lines"]
    if not isinstance(lines_node, yaml.SequenceNode):
        raise fail(lines_node, "support_lines", "expected a list of support lines")
    support = []
    for number, node in enumerate(lines_node.value, start=1):
        entry = f"support line {number}"
        fields = mapping(node, dict.fromkeys(_LINE_KEYS, True), entry)
        values = {key: text(fields[key], f"{entry} {key!r}") for key in _LINE_KEYS}
        if not values["url"].startswith("https://"):
            raise fail(fields["url"], entry, "'url' must be an https:// address")
        support.append(SupportLine(**values))
    return Care(
        topics=frozenset(topics),
        keywords=tuple(k.casefold() for k in texts(top["keywords"], "keywords")),
        support_levels=frozenset(levels),
        support_lines=tuple(support),
        safeguarding=text(top["safeguarding"], "safeguarding"),
        digest=hashlib.sha256(raw).hexdigest(),
    )
