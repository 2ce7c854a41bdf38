"""The ``data-figure`` directive: a chart from a CSV file in docs/, its data table beside it.

What the page may say, and every check on it, is tools/course/datafigure.py's
(``course check`` runs the same); drawing is datafigure_render.py's. Here the
directive reads and checks the figure, declares the CSV as a dependency of the
page (editing the CSV re-reads the page), draws it or takes the drawing from the
cache, and returns docutils nodes:

- a ``figure`` holding a ``data_chart`` (inline SVG with the alt text on the
  site, an ``<img>`` of the same SVG in handouts) and a caption: the page's
  text, then "Data:" and the source, cited from the bibliography;
- a ``data_table``: on the site a closed "Data table" disclosure, in handouts
  a printed table, around a docutils table of the CSV as written.

A figure that cannot be drawn is a warning at the page's line with its code
(``course.datafigure``) and leaves nothing on the page; other pages are unaffected.
"""

from __future__ import annotations

import html
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from tools.course.datafigure import OPTIONS, Figure, FigureError, read_figure
from tools.course.reader import Problem

from .datafigure_render import RenderError, cache_name, cached_svg, inline_svg
from .report import warn_problem

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.text import TextTranslator

#: Where drawings are kept between builds, inside the doctree folder.
CACHE_DIR = "datafigures"
#: docname -> the cache files its figures use, kept on the environment.
_IN_USE = "course_datafigures"


class data_chart(nodes.General, nodes.Element):
    """The drawing: ``svg`` (handout colours), ``alt``, ``digest``."""


class data_table(nodes.General, nodes.Element):
    """The figure's data as a table, beside the chart."""


class DataFigure(SphinxDirective):
    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[OptionSpec] = {name: directives.unchanged for name in OPTIONS}

    def run(self) -> list[nodes.Node]:
        docname = self.env.current_document.docname
        options = {k: str(v or "") for k, v in self.options.items()}
        try:
            figure = read_figure(
                Path(self.env.srcdir), posixpath.dirname(docname), self.arguments[0], options
            )
        except FigureError as error:
            self._note_csv()
            problem = Problem(self.lineno, error.issue.code, error.issue.message)
            warn_problem(docname, problem, "datafigure")
            return []
        self.env.note_dependency(str(Path(self.env.srcdir, figure.csv_name)))
        try:
            svg, _drawn = cached_svg(figure, Path(self.env.doctreedir, CACHE_DIR))
        except Exception as error:  # matplotlib on a page's data: a warning, never a traceback
            why = error if isinstance(error, RenderError) else f"{type(error).__name__}: {error}"
            problem = Problem(self.lineno, "DF006", f"the chart could not be drawn safely: {why}")
            warn_problem(docname, problem, "datafigure")
            return []
        _in_use(self.env).setdefault(docname, set()).add(cache_name(figure))
        chart = data_chart("", svg=svg, alt=figure.alt, digest=figure.digest)
        self.set_source_info(chart)
        holder = nodes.figure("", chart, classes=["course-datafig"])
        self.set_source_info(holder)
        holder += self._caption(figure)
        return [holder, self._table(figure)]

    def _note_csv(self) -> None:
        """A figure that failed still depends on its CSV, if it names one inside docs/."""
        target = posixpath.normpath(
            posixpath.join(posixpath.dirname(self.env.current_document.docname), self.arguments[0])
        )
        if not target.startswith(("../", "/")) and target != "..":
            path = Path(self.env.srcdir, target)
            if path.is_file() and not path.is_symlink():
                self.env.note_dependency(str(path))

    def _caption(self, figure: Figure) -> nodes.caption:
        caption = nodes.caption()
        self.set_source_info(caption)
        if self.content:
            text = " ".join(line.strip() for line in self.content)
            found, messages = self.parse_inline(text, lineno=self.content_offset + 1)
            caption += found
            caption += messages
            caption += nodes.Text(" ")
        if figure.source_keys:
            cited, messages = self.parse_inline(
                f"Data: {{cite:t}}`{','.join(figure.source_keys)}`.", lineno=self.lineno
            )
            caption += cited
            caption += messages
        else:
            end = "" if figure.source_text.endswith((".", "!", "?")) else "."
            caption += nodes.Text(f"Data: {figure.source_text}{end}")
        return caption

    def _table(self, figure: Figure) -> data_table:
        table = nodes.table(classes=["course-datafig-table"])
        group = nodes.tgroup(cols=len(figure.header))
        table += group
        widths = [
            max(len(row[i]) for row in (figure.header, *figure.rows))
            for i in range(len(figure.header))
        ]
        group += [nodes.colspec(colwidth=width) for width in widths]  # text builders size by these
        group += nodes.thead("", _row(figure.header))
        group += nodes.tbody("", *(_row(cells) for cells in figure.rows))
        holder = data_table("", table, csv=figure.csv_name)
        self.set_source_info(holder)
        return holder


def _row(cells: tuple[str, ...]) -> nodes.row:
    return nodes.row("", *(nodes.entry("", nodes.paragraph(text=cell)) for cell in cells))


# --- HTML: the site and the handouts (format "handout") ----------------------------------


def visit_chart_html(self: HTML5Translator, node: data_chart) -> None:
    alt = str(node["alt"])
    if self.builder.format == "handout":
        name = f"datafigure-{str(node['digest'])[:32]}.svg"
        folder = Path(self.builder.outdir, self.builder.imagedir)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(str(node["svg"]), encoding="utf-8")
        src = posixpath.join(self.builder.imgpath, name)
        self.body.append(
            f'<img class="course-datafig-img" src="{html.escape(src, quote=True)}" '
            f'alt="{html.escape(alt, quote=True)}">\n'
        )
        raise nodes.SkipNode
    # Ids unique within the page and the same in every build: the n-th chart.
    count = vars(self).get("course_datafigs", 0) + 1
    vars(self)["course_datafigs"] = count
    svg = inline_svg(str(node["svg"]), alt, f"datafig-{count}")
    self.body.append(
        # Tick labels are not words to search for; the caption and the table are indexed.
        '<div class="course-diagram course-datafig-chart" data-pagefind-ignore>'
        '<div class="course-diagram-scroll" tabindex="0" role="group" '
        f'aria-label="{html.escape(alt, quote=True)}">{svg}</div></div>\n'
    )
    raise nodes.SkipNode


def visit_table_html(self: HTML5Translator, node: data_table) -> None:
    if self.builder.format == "handout":
        self.body.append('<div class="course-datafig-data"><p class="course-datafig-data-title">')
        self.body.append(f"Data table ({html.escape(str(node['csv']))})</p>\n")
    else:
        self.body.append('<details class="course-datafig-data"><summary>Data table</summary>\n')


def depart_table_html(self: HTML5Translator, node: data_table) -> None:
    self.body.append("</div>\n" if self.builder.format == "handout" else "</details>\n")


# --- Text -----------------------------------------------------------------------------------


def visit_chart_text(self: TextTranslator, node: data_chart) -> None:
    self.new_state(0)
    self.add_text(f"[Chart: {node['alt']}]")
    self.end_state()
    raise nodes.SkipNode


def visit_table_text(self: TextTranslator, node: data_table) -> None:
    self.new_state(0)
    self.add_text("Data table")
    self.end_state()


def _pass(self: Any, node: nodes.Element) -> None:
    """The table inside is written by the translator's own table visitors."""


# --- The cache: drawings no page uses any more are removed after a build ----------------


def _in_use(env: BuildEnvironment) -> dict[str, set[str]]:
    if not hasattr(env, _IN_USE):
        setattr(env, _IN_USE, {})
    found: dict[str, set[str]] = getattr(env, _IN_USE)
    return found


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _in_use(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
    theirs = _in_use(other)
    _in_use(env).update({d: theirs[d] for d in docnames if d in theirs})


def prune_cache(app: Sphinx, exception: Exception | None) -> None:
    """After a build that finished, drop drawings of figures that changed or went away."""
    folder = Path(app.env.doctreedir, CACHE_DIR)
    if exception is not None or not folder.is_dir() or not hasattr(app.env, _IN_USE):
        return  # an environment pickled before figures were recorded knows of none
    used = set().union(*_in_use(app.env).values())
    for path in folder.iterdir():
        if path.name not in used:
            path.unlink(missing_ok=True)


def setup_datafigure(app: Sphinx) -> None:
    app.add_node(
        data_chart,
        html=(visit_chart_html, None),
        text=(visit_chart_text, None),
    )
    app.add_node(
        data_table,
        html=(visit_table_html, depart_table_html),
        text=(visit_table_text, _pass),
    )
    app.add_directive("data-figure", DataFigure)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", prune_cache)
