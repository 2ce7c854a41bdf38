"""Maths in handouts: drawn as SVG at build time, with alt text, printed into the tagged PDF."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from bs4 import BeautifulSoup

from helpers import copy_root
from tools.outputs.pdfbuild import MANIFEST, render

MEAN = r"\bar{x} = \frac{\sum x}{n}"
SPREAD = r"s = \sqrt{\frac{\sum (x - \bar{x})^2}{n - 1}}"
#: On the maths allowlist, but mathtext has no \boxed.
BOXED = r"\boxed{r = 0.5}"
PAGE = f"""---
category: senior-basics
topics: [learning]
summary: Averages in symbols.
---

# Averages in Symbols

The mean is {{math}}`{MEAN}` of the scores.

```{{math}}
:label: spread
{SPREAD}
```

A boxed result: {{math}}`{BOXED}`.
"""


@pytest.fixture(scope="module")
def handout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, str]]:
    """The handout build (output folder), the handout with the page, and the warnings."""
    from sphinx.testing.util import SphinxTestApp

    tmp = tmp_path_factory.mktemp("handout-maths")
    src = copy_root(tmp, "course", files={"articles/averages.md": PAGE})
    warnings = io.StringIO()
    app = SphinxTestApp("handout", srcdir=src, freshenv=True, warning=warnings)
    try:
        app.build()
        out = Path(app.outdir)
        written = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        name = next(w["html"] for w in written if "articles/averages" in w["docnames"])
        yield out, name, warnings.getvalue()
    finally:
        app.cleanup()


def maths_images(out: Path, name: str) -> list[Any]:
    page = BeautifulSoup((out / name).read_text(encoding="utf-8"), "html.parser")
    return list(page.select("img.math"))


def test_each_drawable_formula_is_an_svg_image_with_alt_text(
    handout: tuple[Path, str, str],
) -> None:
    out, name, _ = handout
    images = maths_images(out, name)
    assert [img["alt"] for img in images] == ["x bar = (sum of x) over n", _alt(SPREAD)]
    for img in images:
        svg = out / img["src"]
        assert svg.parent == out / "_images"
        drawing = svg.read_text(encoding="utf-8")
        assert "<path" in drawing and ' d="M' in drawing
        assert "<text" not in drawing and "<script" not in drawing


def _alt(tex: str) -> str:
    from tools.extensions.handoutmath import spoken

    return spoken(tex)


def test_display_maths_is_a_centred_block_with_its_number(handout: tuple[Path, str, str]) -> None:
    out, name, _ = handout
    page = BeautifulSoup((out / name).read_text(encoding="utf-8"), "html.parser")
    block = page.select_one("div.math")
    assert block is not None and "text-align:center" in block["style"]
    assert [n.get_text() for n in block.select(".eqno")] == ["(1)"]
    assert all("display:block" in img["style"] for img in block.select("img.math"))
    inline = page.select("img.math")[0]
    assert "vertical-align:" in inline["style"] and "em" in inline["style"]


def test_a_formula_mathtext_cannot_draw_is_printed_as_tex_with_a_warning(
    handout: tuple[Path, str, str],
) -> None:
    out, name, warnings = handout
    page = BeautifulSoup((out / name).read_text(encoding="utf-8"), "html.parser")
    assert [c.get_text() for c in page.select("code.math")] == [BOXED]
    (warning,) = [w for w in warnings.splitlines() if "[course.math]" in w]
    assert "averages.md" in warning and "\\boxed" in warning


def test_a_drawing_that_exists_is_not_drawn_again(
    handout: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.extensions import handoutmath

    out, name, _ = handout

    def fail(tex: str) -> str:
        raise AssertionError(f"drew {tex} again")

    monkeypatch.setattr(handoutmath, "svg_of", fail)
    drawn = handoutmath.drawing(MEAN, out, "_images")
    assert drawn.src in {img["src"] for img in maths_images(out, name)}


def test_alt_text_reads_fractions_roots_and_subscripts_plainly() -> None:
    assert _alt(r"t = \frac{M_1 - M_2}{SE_{M_1 - M_2}}") == "t = (M_1 - M_2) over (SE_(M_1 - M_2))"
    assert _alt(r"\sqrt{\left(a \times b\right)}") == "square root of ((a × b))"


def test_only_allowlisted_maths_reaches_matplotlib(tmp_path: Path) -> None:
    from tools.extensions.handoutmath import MathError, drawing

    with pytest.raises(MathError, match="allowlist"):
        drawing(r"\input{/etc/hostname}", tmp_path, "_images")
    assert not (tmp_path / "_images").exists()


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []
    todo: list[object] = [pdf.Root.StructTreeRoot]
    while todo:
        element = todo.pop()
        if not isinstance(element, pikepdf.Dictionary):
            continue
        if "/S" in element:
            found.append(element)
        kids = element.get("/K")
        if kids is not None:
            todo += list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return found


@pytest.mark.slow
def test_the_printed_pdf_has_the_formulas_as_figures_with_alt_text(
    handout: tuple[Path, str, str], tmp_path: Path
) -> None:
    out, name, _ = handout
    assert shutil.which("pdftotext"), "needs the 'test' system packages"
    pdf = tmp_path / "averages.pdf"
    assert render(out / name, pdf, {}) == ""
    with pikepdf.open(pdf) as opened:
        alts = {str(e.Alt) for e in structure(opened) if "/Alt" in e}
    for img in maths_images(out, name):
        assert img["alt"] in alts
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    text = " ".join(done.stdout.split())
    assert "\\frac" not in text and "\\bar" not in text
    assert re.search(r"The mean is .*of the scores", text)
    assert BOXED in text  # the fallback, readable
