"""Build the PDF handouts: Sphinx writes one HTML document per handout, WeasyPrint prints it.

The PDFs are tagged PDF/UA-1 (headings, paragraphs, lists, tables, figures
with their alt text, links; language, title, bookmarks, embedded fonts; page
furniture as artifacts), which LaTeX on this machine cannot make.

Pages come from strangers, so printing is boxed in: WeasyPrint gets a URL
fetcher that serves only files inside the handout build's own output folder
and refuses everything else (other files, ``http(s):``, ``data:``, any other
scheme), so nothing of the machine can reach a PDF and no request leaves it.
WeasyPrint runs no program. Each batch of handouts is printed in a child
process with a memory limit, and each handout with a time limit.

A handout that asked for something refused, or could not be printed, is not
published; the others are. At the end the command lists what failed, naming
the handout, the page and the problem, and exits non-zero.
"""

from __future__ import annotations

import itertools
import json
import mimetypes
import re
import resource
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
EDITIONS = ("student", "instructor")
#: Seconds one handout may take to print: a stop for a page built to hang the
#: printer, with room for a whole GCSE year's handout (about 100 pages, 60-120 s
#: on a quiet 2-core machine) on a busy one.
TIMEOUT = 360
#: Address space of a printing process (bytes): a hostile page cannot exhaust the machine.
MEMORY = 3 * 1024**3
MANIFEST = "handouts.json"
#: Where each page starts in a handout's HTML (Sphinx's single-page marker).
MARKER = '<span id="document-'


@dataclass(frozen=True)
class Result:
    html: Path
    pdf: Path | None
    problem: str = ""


class Refused(Exception):
    """The URL fetcher said no: the resource is not a file of this build."""


def fetcher_for(root: Path) -> Any:
    """A WeasyPrint URL fetcher serving files under *root* only (after resolving links)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    base = root.resolve()

    class BuildOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",))
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if (
                path is None
                or parts.netloc not in ("", "localhost")
                or not path.is_relative_to(base)
                or not path.is_file()
            ):
                self.refused.append(url)
                raise Refused(f"refused {url[:200]!r}: not a file of the handout build")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})

    return BuildOnlyFetcher()


def _linked_mcids(pdf: Any) -> dict[int, set[int]]:
    """Per page index, the marked-content ids that the structure tree reaches."""
    import pikepdf

    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    linked: dict[int, set[int]] = {}
    todo: list[tuple[Any, int | None]] = [(pdf.Root.StructTreeRoot, None)]
    while todo:
        element, page = todo.pop()
        if isinstance(element, int):
            if page is not None:
                linked.setdefault(page, set()).add(element)
            continue
        if not isinstance(element, pikepdf.Dictionary):
            continue
        if "/Pg" in element:
            page = pages.get(element.Pg.objgen, page)
        if element.get("/Type") == pikepdf.Name.MCR:
            if page is not None:
                linked.setdefault(page, set()).add(int(element.MCID))
            continue
        kids = element.get("/K")
        if kids is not None:
            todo += [(k, page) for k in (kids if isinstance(kids, pikepdf.Array) else [kids])]
    return linked


def _scope_header_cells(pdf: Any) -> None:
    """Header cells say what they head: a column (in the table head) or a row."""
    import pikepdf

    todo = [pdf.Root.StructTreeRoot]
    while todo:
        element = todo.pop()
        if not isinstance(element, pikepdf.Dictionary):
            continue
        if element.get("/S") == pikepdf.Name.TH:
            row = element.get("/P")
            group = row.get("/P") if isinstance(row, pikepdf.Dictionary) else None
            head = isinstance(group, pikepdf.Dictionary) and group.get("/S") == pikepdf.Name.THead
            attributes = element.get("/A")
            if not isinstance(attributes, pikepdf.Dictionary):
                attributes = element.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
            attributes.Scope = pikepdf.Name.Column if head else pikepdf.Name.Row
        kids = element.get("/K")
        if kids is not None:
            todo += list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def finish_tags(path: Path) -> None:
    """What WeasyPrint's tagging leaves out: furniture as artifacts, header cells' scope.

    WeasyPrint marks the content of @page margin boxes with ids it does not
    link into the structure tree (PDF 1.7 has no artifact element in the
    tree); marked as ``/Artifact`` instead, a screen reader skips running
    heads and page numbers, as PDF/UA asks for page furniture.
    """
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        _scope_header_cells(pdf)
        linked = _linked_mcids(pdf)
        artifact = [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]
        for index, page in enumerate(pdf.pages):
            instructions = pikepdf.parse_content_stream(page)
            changed = False
            for i, instruction in enumerate(instructions):
                operator = instruction.operator
                if str(operator) != "BDC" or not isinstance(
                    instruction, pikepdf.ContentStreamInstruction
                ):
                    continue
                props = instruction.operands[1]
                mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                if mcid is not None and int(mcid) not in linked.get(index, set()):
                    instructions[i] = pikepdf.ContentStreamInstruction(artifact, operator)
                    changed = True
            if changed:
                page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        pdf.save(path)


def page_of(html_text: str, needle: str, pages: dict[str, str]) -> str | None:
    """The source page whose part of the handout holds *needle* (first occurrence)."""
    at = html_text.find(needle)
    if at < 0:
        return None
    marker = html_text.rfind(MARKER, 0, at)
    if marker < 0:
        return None
    docname = html_text[marker + len(MARKER) : html_text.find('"', marker + len(MARKER))]
    return pages.get(docname, docname)


def render(html: Path, pdf: Path, pages: dict[str, str]) -> str:
    """Print one handout; '' when done, else what went wrong (and where)."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    fetcher = fetcher_for(html.parent)
    text = html.read_text(encoding="utf-8")
    document = HTML(string=text, base_url=html.parent.as_uri() + "/", url_fetcher=fetcher)
    document.write_pdf(pdf, pdf_variant="pdf/ua-1", pdf_tags=True)
    finish_tags(pdf)
    if fetcher.refused:
        pdf.unlink(missing_ok=True)
        problems = []
        for url in fetcher.refused:
            relative = url.removeprefix(html.parent.as_uri() + "/")
            path = unquote(urlsplit(url).path)
            page = next(
                (p for n in (relative, url, path) if n and (p := page_of(text, n, pages))), None
            )
            where = f"on page {page}" if page else "(page unknown)"
            problems.append(f"{where}: refused {url[:200]} (not a file of the handout build)")
        return "\n".join(problems)
    return ""


def failing_page(html: Path, pages: dict[str, str]) -> str | None:
    """After a handout failed to print: the first page that fails on its own."""
    from weasyprint import HTML

    text = html.read_text(encoding="utf-8")
    head, _, body = text.partition("<main>")
    cuts = [0, *(m.start() for m in re.finditer(re.escape(MARKER), body)), len(body)]
    for start, end in itertools.pairwise(cuts):
        part = body[start:end]
        if not part.startswith(MARKER):
            continue
        docname = part[len(MARKER) : part.index('"', len(MARKER))]
        try:
            HTML(
                string=f"{head}<main>{part}</main>",
                base_url=html.parent.as_uri() + "/",
                url_fetcher=fetcher_for(html.parent),
            ).render()
        except Exception:  # this page is the one
            return pages.get(docname, docname)
    return None


def _print_batch(manifest: Path, names: list[str], timeout: int) -> None:
    """Child process: print the named handouts of *manifest*, one JSON result line each."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    entries = {e["html"]: e for e in json.loads(manifest.read_text(encoding="utf-8"))}

    def stop(signum: int, frame: Any) -> None:
        raise TimeoutError(f"printing took longer than {timeout} seconds and was stopped")

    signal.signal(signal.SIGALRM, stop)
    for name in names:
        entry = entries[name]
        html = manifest.parent / name
        pages = dict(zip(entry["docnames"], entry["pages"], strict=True))
        signal.alarm(timeout)
        try:
            problem = render(html, html.parent / entry["pdf"], pages)
        except TimeoutError as error:
            problem = f"(page unknown) {error}"
        except Exception as error:  # reported per handout, the others go on
            signal.alarm(timeout)
            page = failing_page(html, pages)
            where = f"on page {page}" if page else "(page unknown)"
            problem = f"{where}: WeasyPrint stopped with {type(error).__name__}: {error}"
        finally:
            signal.alarm(0)
        print(json.dumps({"html": name, "problem": problem}), flush=True)


def print_all(manifest: Path, out: Path, jobs: int = 2, timeout: int = TIMEOUT) -> list[Result]:
    """Print every handout of a manifest (a failure stops only its own) and collect the PDFs."""
    out.mkdir(parents=True, exist_ok=True)
    names = [e["html"] for e in json.loads(manifest.read_text(encoding="utf-8"))]
    # Longest first, each to the lightest batch: the batches finish at about the same time.
    sizes = {n: (manifest.parent / n).stat().st_size for n in names}
    batches: list[list[str]] = [[] for _ in range(max(1, min(jobs, len(names))))]
    for name in sorted(names, key=sizes.__getitem__, reverse=True):
        min(batches, key=lambda b: sum(sizes[n] for n in b)).append(name)

    def run(batch: list[str]) -> dict[str, str]:
        cmd = [sys.executable, "-m", "tools.outputs.pdfbuild", str(manifest), str(timeout), *batch]
        try:
            done = subprocess.run(
                cmd,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=timeout * len(batch) + 60,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {
                n: "(page unknown) the printing process was stopped (time limit)" for n in batch
            }
        found = {}
        for line in done.stdout.splitlines():
            if line.startswith("{"):
                result = json.loads(line)
                found[result["html"]] = result["problem"]
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        return {
            n: found.get(n, f"(page unknown) the printing process stopped:\n{tail}") for n in batch
        }

    problems: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for found in pool.map(run, [b for b in batches if b]):
            problems.update(found)
    results = []
    for entry in json.loads(manifest.read_text(encoding="utf-8")):
        html = manifest.parent / entry["html"]
        pdf = html.parent / entry["pdf"]
        problem = problems.get(entry["html"], "")
        if not problem and pdf.is_file():
            shutil.copy2(pdf, out / pdf.name)
            results.append(Result(html, out / pdf.name))
        else:
            results.append(Result(html, None, problem or "no PDF was written"))
    return results


def version() -> str:
    """The commit the handouts are built from, for the title page ('' outside git)."""
    done = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def sphinx_handouts(
    selection: str, edition: str, outdir: Path, doctrees: Path, source: Path, conf: Path
) -> int:
    """Write one edition's handout HTML; warnings are shown, not fatal."""
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "handout",
        "-q",
        "-c",
        str(conf),
        "-d",
        str(doctrees),
        "-D",
        f"course_edition={edition}",
        "-D",
        f"course_handout={selection}",
        "-D",
        f"course_build_version={version()}",
        str(source),
        str(outdir),
    ]
    return subprocess.run(cmd, check=False).returncode


def build_handouts(
    selection: str = "all",
    editions: tuple[str, ...] = EDITIONS,
    *,
    source: Path = ROOT / "docs",
    conf: Path = ROOT / "conf",
    build: Path = ROOT / "build",
    jobs: int = 2,
) -> int:
    """Both editions of the selected handouts into ``build/handouts``; 1 if any failed."""
    from tools.course.taxonomy import load_taxonomy
    from tools.extensions.handouts import selection_problem

    problem = selection_problem(selection, load_taxonomy(conf / "taxonomy.yaml"), source)
    if problem:
        print(f"course handouts: {problem}", file=sys.stderr)
        return 2
    out = build / "handouts"
    results: list[Result] = []
    # One edition prints while Sphinx writes the next (they share the doctrees, so
    # the Sphinx runs themselves stay one after the other).
    with ThreadPoolExecutor(max_workers=len(editions) or 1) as pool:
        printing = []
        for edition in editions:
            htmldir = build / "handout-html" / edition / selection.replace(":", "-")
            if htmldir.exists():
                shutil.rmtree(htmldir)  # nothing left over from an earlier build may be served
            if sphinx_handouts(selection, edition, htmldir, build / "doctrees", source, conf):
                print(f"Sphinx could not write the {edition} edition's handouts", file=sys.stderr)
                return 1
            printing.append(pool.submit(print_all, htmldir / MANIFEST, out, jobs))
        for done in printing:
            results += done.result()
    if selection == "all":
        wanted = {r.html.with_suffix(".pdf").name for r in results}
        for stale in out.glob("*.pdf"):
            if stale.name not in wanted:
                stale.unlink()
    failed = [r for r in results if r.pdf is None]
    print(f"{len(results) - len(failed)} of {len(results)} handouts built in {out}")
    for result in failed:
        print(f"\nFAILED {result.html.stem}.pdf {result.problem}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    _print_batch(Path(sys.argv[1]), sys.argv[3:], int(sys.argv[2]))
