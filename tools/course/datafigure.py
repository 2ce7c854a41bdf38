"""A ``data-figure``: a chart drawn from a CSV file in docs/ and a few declarative options.

The page is untrusted, so everything it says is data: the CSV is read with the
stdlib ``csv`` module from a file that must be inside docs/ (no absolute path,
no ``..`` out of docs/, no symbolic link), within size, row and column limits;
numbers are parsed strictly and a bad cell names the CSV's file and line;
columns named in the options must exist (near misses are suggested). The build
(tools/extensions/datafigure.py) and ``course check`` call :func:`read_figure`
and :func:`page_problems`, so both report the same problems with the same
codes. Nothing here imports Sphinx or draws anything.

| code  | rule |
| ----- | ---- |
| DF001 | the CSV is a ``.csv`` file inside docs/, reached without a symbolic link |
| DF002 | the options are complete and well formed (type, x, y, alt, source, y-range) |
| DF003 | the CSV can be read: UTF-8, within the limits, one header row, rows as wide as it |
| DF004 | every column the options name is in the CSV's header |
| DF005 | every cell the chart uses is a number (a finite decimal) |
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import posixpath
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import safety
from .reader import Page, Problem
from .sourcetree import is_linked
from .suggest import did_you_mean, nearest_citation

DIRECTIVE = "data-figure"
KINDS = ("bar", "line", "scatter")
#: The options a page may give (safety.py allowlists the same set).
OPTIONS = frozenset(
    {"type", "x", "y", "error", "series", "x-label", "y-label", "y-range", "alt", "source"}
)
MAX_BYTES = 100_000
MAX_ROWS = 500
MAX_COLUMNS = 20
MAX_CELL = 200
MAX_SERIES = 6
MAX_CATEGORIES = 30
MAX_LABEL = 200
MAX_ALT = 2000
MAX_SOURCE = 300

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$")
_KEYS = re.compile(r"^[A-Za-z0-9_.:-]+(?:\s*,\s*[A-Za-z0-9_.:-]+)*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Issue:
    code: str
    message: str


class FigureError(Exception):
    """One thing that keeps a figure from being drawn."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.issue = Issue(code, message)


@dataclass(frozen=True)
class Series:
    """One line, group of bars or set of points: its name ('' when there is one)."""

    name: str
    x: tuple[float | str, ...]
    y: tuple[float, ...]
    error: tuple[float, ...] | None


@dataclass(frozen=True)
class Figure:
    kind: str
    x_label: str
    y_label: str
    y_range: tuple[float, float] | None
    alt: str
    source_keys: tuple[str, ...]  # bibliography keys cited in the caption
    source_text: str  # or a source in words
    csv_name: str  # the CSV's path inside docs/ (posix)
    header: tuple[str, ...]  # the data table as written
    rows: tuple[tuple[str, ...], ...]
    series: tuple[Series, ...]
    digest: str  # of the CSV's bytes and the options: the drawing's cache key

    @property
    def categories(self) -> tuple[str, ...]:
        """A bar chart's categories, in the order the CSV first gives them."""
        seen: dict[str, None] = {}
        for series in self.series:
            seen.update((str(x), None) for x in series.x)
        return tuple(seen)


def source_keys(value: str) -> tuple[str, ...]:
    """The bibliography keys ``:source:`` names, or () when it is a source in words."""
    value = value.strip()
    if not _KEYS.match(value):
        return ()
    return tuple(key.strip() for key in value.split(","))


def csv_file(docs: Path, page_folder: str, target: str) -> Path:
    """The CSV a page names: a ``.csv`` file inside *docs*, reached without a symlink.

    *page_folder* is the page's folder inside docs/ (posix, '' at the top);
    the target is relative to it. Raises :class:`FigureError` (DF001).
    """
    target = target.strip()
    if not target:
        raise FigureError(
            "DF001", "name the CSV file, relative to the page (data-figure ../data/x.csv)"
        )
    if why := safety.csv_path_problem(target):
        raise FigureError("DF001", why)
    inside = posixpath.normpath(posixpath.join(page_folder, target))
    if inside == ".." or inside.startswith("../") or inside.startswith("/"):
        raise FigureError("DF001", f"the CSV {target!r} is outside docs/: use a file inside docs/")
    root = docs.resolve()
    path = root / inside
    if is_linked(root, path) or root not in path.resolve().parents:
        raise FigureError(
            "DF001",
            f"the CSV {target!r} is reached through a symbolic link: commit the file itself",
        )
    if not path.is_file():
        raise FigureError("DF001", f"the CSV {target!r} does not exist (looked for docs/{inside})")
    return path


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing a link at the last step and anything over the size limit."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise FigureError("DF001", f"the CSV cannot be opened ({error.strerror})") from error
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FigureError("DF003", f"the CSV is larger than {MAX_BYTES // 1000} KB")
    return data


def parse_csv(data: bytes, name: str) -> tuple[tuple[str, ...], list[tuple[int, tuple[str, ...]]]]:
    """The header and the (line, cells) of each row; blank lines are skipped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FigureError("DF003", f"{name} is not UTF-8 text (byte {error.start})") from error
    if _CONTROL.search(text.replace("\r", "")):
        raise FigureError("DF003", f"{name} contains control characters")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((reader.line_num, tuple(cell.strip() for cell in cells)))
            if len(rows) > MAX_ROWS + 1:
                raise FigureError("DF003", f"{name} has more than {MAX_ROWS} rows of data")
    except csv.Error as error:
        raise FigureError("DF003", f"{name}:{reader.line_num}: not valid CSV ({error})") from error
    if len(rows) < 2:
        raise FigureError("DF003", f"{name} needs a header row and at least one row of data")
    (header_line, header), data_rows = rows[0], rows[1:]
    if len(header) > MAX_COLUMNS:
        raise FigureError("DF003", f"{name} has more than {MAX_COLUMNS} columns")
    if not all(header) or len(set(header)) != len(header):
        raise FigureError(
            "DF003", f"{name}:{header_line}: the header needs a distinct name for every column"
        )
    for line, row in rows:
        if len(row) != len(header):
            raise FigureError(
                "DF003",
                f"{name}:{line}: {len(row)} cells, but the header has {len(header)} columns",
            )
        if too_long := next((c for c in row if len(c) > MAX_CELL), None):
            raise FigureError(
                "DF003",
                f"{name}:{line}: a cell longer than {MAX_CELL} characters ({too_long[:20]!r}…)",
            )
    return header, data_rows


def number(cell: str, *, where: str, column: str) -> float:
    """A cell as a finite number, strictly (no thousands separators, no 'nan')."""
    value = float(cell) if _NUMBER.match(cell) else math.nan
    if not math.isfinite(value) or abs(value) > 1e12:
        raise FigureError(
            "DF005", f"{where}: column {column!r}: {cell!r} is not a number (write e.g. 12 or 0.5)"
        )
    return value


def _text_option(options: Mapping[str, str], key: str, limit: int, default: str = "") -> str:
    value = " ".join(options.get(key, default).split())
    if len(value) > limit:
        raise FigureError("DF002", f":{key}: is longer than {limit} characters")
    return value


def _y_range(value: str) -> tuple[float, float] | None:
    if not value.strip():
        return None
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2 or not all(_NUMBER.match(p) for p in parts):
        raise FigureError("DF002", f":y-range: {value!r} must be two numbers, low and high: 0, 100")
    low, high = float(parts[0]), float(parts[1])
    if not low < high or max(abs(low), abs(high)) > 1e12:
        raise FigureError("DF002", f":y-range: {value!r}: the low end must be below the high end")
    return low, high


def check_options(options: Mapping[str, str]) -> None:
    """What the options must say, before any file is read (DF002; missing alt is IMG002)."""
    if not options.get("alt", "").strip():
        raise FigureError(
            "IMG002", "the data figure has no :alt: text (describe what the chart shows)"
        )
    kind = options.get("type", "").strip()
    if kind not in KINDS:
        raise FigureError(
            "DF002",
            f":type: {kind!r} is not a chart type (one of {', '.join(KINDS)}){did_you_mean(kind, KINDS)}",
        )
    for key in ("x", "y"):
        if not options.get(key, "").strip():
            raise FigureError("DF002", f":{key}: is required: name the CSV column to plot")
    if not options.get("source", "").strip():
        raise FigureError(
            "DF002",
            ":source: is required: a bibliography key (cited in the caption) or the source in words",
        )


def read_figure(docs: Path, page_folder: str, target: str, options: Mapping[str, str]) -> Figure:
    """Everything a chart needs, checked; raises :class:`FigureError` at the first problem."""
    check_options(options)
    path = csv_file(docs, page_folder, target)
    data = read_bytes(path)
    name = path.relative_to(docs.resolve()).as_posix()
    header, rows = parse_csv(data, f"docs/{name}")
    columns = {key: options.get(key, "").strip() for key in ("x", "y", "error", "series")}
    for key, column in columns.items():
        if column and column not in header:
            raise FigureError(
                "DF004",
                f":{key}: {column!r} is not a column of docs/{name} "
                f"(columns: {', '.join(header)}){did_you_mean(column, header)}",
            )
    kind = options["type"].strip()
    index = {column: header.index(column) for column in columns.values() if column}
    groups: dict[str, list[tuple[float | str, float, float | None]]] = {}
    for line, cells in rows:
        where = f"docs/{name}:{line}"
        x_cell = cells[index[columns["x"]]]
        x: float | str = (
            x_cell if kind == "bar" else number(x_cell, where=where, column=columns["x"])
        )
        y = number(cells[index[columns["y"]]], where=where, column=columns["y"])
        error = None
        if columns["error"]:
            error = number(cells[index[columns["error"]]], where=where, column=columns["error"])
            if error < 0:
                raise FigureError(
                    "DF005",
                    f"{where}: column {columns['error']!r}: an error bar cannot be negative",
                )
        group = cells[index[columns["series"]]] if columns["series"] else ""
        groups.setdefault(group, []).append((x, y, error))
    if len(groups) > MAX_SERIES:
        raise FigureError(
            "DF003", f":series: {columns['series']!r} has more than {MAX_SERIES} values"
        )
    series = tuple(
        Series(
            group,
            tuple(p[0] for p in points),
            tuple(p[1] for p in points),
            tuple(p[2] or 0.0 for p in points) if columns["error"] else None,
        )
        for group, points in groups.items()
    )
    figure = Figure(
        kind=kind,
        x_label=_text_option(options, "x-label", MAX_LABEL, columns["x"]),
        y_label=_text_option(options, "y-label", MAX_LABEL, columns["y"]),
        y_range=_y_range(options.get("y-range", "")),
        alt=_text_option(options, "alt", MAX_ALT),
        source_keys=source_keys(options["source"]),
        source_text=_text_option(options, "source", MAX_SOURCE),
        csv_name=name,
        header=header,
        rows=tuple(cells for _, cells in rows),
        series=series,
        digest=_digest(data, options),
    )
    if kind == "bar" and len(figure.categories) > MAX_CATEGORIES:
        raise FigureError("DF003", f"a bar chart shows at most {MAX_CATEGORIES} categories")
    return figure


def _digest(data: bytes, options: Mapping[str, str]) -> str:
    """Same CSV bytes and same options: the same drawing."""
    spec = json.dumps({k: options[k] for k in sorted(options) if k in OPTIONS}, sort_keys=True)
    return hashlib.sha256(data + b"\0" + spec.encode()).hexdigest()


def page_problems(
    page: Page, docs: Path, page_folder: str, cite_keys: Collection[str] = ()
) -> list[Problem]:
    """Every data figure's problem on a page, at the directive's line (for ``course check``);
    a ``:source:`` key missing from *cite_keys* is REF003, as a ``{cite}`` role's is."""
    problems: list[Problem] = []
    for directive in page.directives:
        if directive.name != DIRECTIVE:
            continue
        try:
            figure = read_figure(docs, page_folder, directive.args, directive.options)
        except FigureError as error:
            problems.append(Problem(directive.line, error.issue.code, error.issue.message))
            continue
        for key in figure.source_keys:
            if key not in cite_keys:
                close = nearest_citation(key, cite_keys)
                hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
                problems.append(
                    Problem(
                        directive.line,
                        "REF003",
                        f":source: {key!r} is not in the bibliography{hint} "
                        "(add the work to docs/references.bib, or give the source in words)",
                    )
                )
    return problems
