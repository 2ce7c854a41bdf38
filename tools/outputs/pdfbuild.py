"""Build the PDF handouts: Sphinx writes LaTeX per edition, latexmk makes each PDF.

Pages come from strangers, so TeX runs boxed in: no shell escape, kpathsea's
paranoid file access (nothing outside the LaTeX folder is read or written),
latexmk with our rc file only (no custom rules that run commands), and a
timeout per handout that stops TeX too.

One failing handout does not stop the others; at the end the command lists
what failed, naming the handout, the page and the relevant lines of the
LaTeX log (not the whole log), and exits non-zero.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EDITIONS = ("student", "instructor")
_LABEL = re.compile(r"\\label\{\\detokenize\{([^}]*)::doc\}\}")


@dataclass(frozen=True)
class Result:
    tex: Path
    pdf: Path | None
    problem: str = ""


def sphinx_latex(
    selection: str, edition: str, outdir: Path, doctrees: Path, source: Path, conf: Path
) -> int:
    """Write the LaTeX sources of one edition; warnings are shown, not fatal."""
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "latex",
        "-q",
        "-c",
        str(conf),
        "-d",
        str(doctrees),
        "-D",
        f"course_edition={edition}",
        "-D",
        f"course_handout={selection}",
        str(source),
        str(outdir),
    ]
    return subprocess.run(cmd, check=False).returncode


def page_at(tex: Path, line: int) -> str | None:
    """The page (source file) whose text is at *line* of a Sphinx-written .tex file."""
    page = None
    with tex.open(encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, start=1):
            if number > line:
                break
            for match in _LABEL.finditer(text):
                page = match.group(1)
    return f"docs/{page}.md" if page else None


def log_excerpt(log: Path, context: int = 4) -> tuple[str, int | None]:
    """The error lines of a LaTeX log ('! ...' and what follows), and the .tex line."""
    if not log.is_file():
        return "(no LaTeX log was written)", None
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    excerpt: list[str] = []
    where: int | None = None
    for i, line in enumerate(lines):
        if line.startswith("!"):
            block = lines[i : i + context + 1]
            excerpt += block
            for follow in block:
                found = re.match(r"l\.(\d+)", follow)
                if found and where is None:
                    where = int(found.group(1))
            if len(excerpt) > 30:
                break
    if not excerpt:
        excerpt = lines[-context:]
    return "\n".join(excerpt), where


#: latexmk's settings: ours only (no custom dependency rules; see the file).
LATEXMKRC = ROOT / "tools" / "extensions" / "latex" / "latexmkrc"
#: Seconds one handout may take (both editions of a big course take about a minute).
TIMEOUT = 300
#: kpathsea's limits for TeX run on pages from strangers: no shell escape, and
#: no reading or writing of files outside the LaTeX folder (absolute paths,
#: ``..``) or of dotfiles. Set in the environment, they override texmf.cnf.
TEX_LIMITS = {"openin_any": "p", "openout_any": "p", "shell_escape": "f"}


def tex_environment() -> dict[str, str]:
    """The environment latexmk and TeX run in: ours, with the limits, nothing that loosens them."""
    env = {k: v for k, v in os.environ.items() if k not in {"TEXMFOUTPUT", "LATEXOPTS"}}
    env.update(TEX_LIMITS)
    return env


def latexmk_command(tex: Path) -> list[str]:
    # -norc first: no system, user or folder rc file (Sphinx writes one beside the .tex).
    return [
        "latexmk",
        "-norc",
        "-r",
        str(LATEXMKRC),
        "-pdfxe",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-f-",
        tex.name,
    ]


def compile_pdf(tex: Path, timeout: float = TIMEOUT) -> Result:
    with subprocess.Popen(
        latexmk_command(tex),
        cwd=tex.parent,
        env=tex_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so a timeout stops TeX too, not only latexmk
    ) as proc:
        try:
            proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return Result(
                tex, None, f"latexmk took longer than {timeout:g} seconds and was stopped"
            )
    pdf = tex.with_suffix(".pdf")
    if proc.returncode == 0 and pdf.is_file():
        return Result(tex, pdf)
    excerpt, line = log_excerpt(tex.with_suffix(".log"))
    page = page_at(tex, line) if line else None
    where = f"on page {page} (LaTeX line {line})" if page else "(page unknown)"
    return Result(tex, None, f"{where}\n{excerpt}")


def compile_all(texs: list[Path], out: Path, jobs: int = 2) -> list[Result]:
    """Compile every .tex (a failure stops only its own handout) and collect the PDFs in *out*."""
    out.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(compile_pdf, texs))
    for result in results:
        if result.pdf is not None:
            shutil.copy2(result.pdf, out / result.pdf.name)
    return results


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
    if shutil.which("latexmk") is None:
        print("latexmk is missing: run `python3 tools/system_packages.py pdf`", file=sys.stderr)
        return 1
    out = build / "handouts"
    texs: list[Path] = []
    for edition in editions:
        latexdir = build / "latex" / edition / selection.replace(":", "-")
        if sphinx_latex(selection, edition, latexdir, build / "doctrees", source, conf) != 0:
            print(f"Sphinx could not write the {edition} edition's LaTeX", file=sys.stderr)
            return 1
        texs += sorted(latexdir.glob(f"*-{edition}.tex"))
    results = compile_all(texs, out, jobs)
    if selection == "all":
        wanted = {t.stem for t in texs}
        for stale in out.glob("*.pdf"):
            if stale.stem not in wanted:
                stale.unlink()
    failed = [r for r in results if r.pdf is None]
    print(f"{len(results) - len(failed)} of {len(results)} handouts built in {out}")
    for result in failed:
        print(f"\nFAILED {result.tex.stem}.pdf {result.problem}", file=sys.stderr)
    return 1 if failed else 0
