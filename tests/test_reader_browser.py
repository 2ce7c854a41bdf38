"""Issue 15 in real Chromium: diagrams on a phone and in dark mode, tap-to-define,
the glossary's tools and the 404 page (served from a sub-path and from a root).

Screenshots of an article at 1280x800 and 375x812, light and dark, with a
diagram and an open definition, go to build/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_browser import CHROMIUM, QuietHandler, base_url, browser  # noqa: F401 (fixtures)

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
ARTICLE = "articles/multi-store-model-of-memory.html"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 800}


def shot(tab: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def set_theme(tab: Any, theme: str) -> None:
    tab.evaluate(f"document.body.dataset.theme = '{theme}'")


def test_glossary_filter_letters_bold_terms_and_no_old_highlight(
    browser: Any,  # noqa: F811
    base_url: str,  # noqa: F811
) -> None:
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    tab.goto(base_url + "index.html")
    tab.evaluate("localStorage.setItem('sphinx_highlight_terms', 'memory')")
    tab.goto(base_url + "glossary.html")
    tab.wait_for_load_state("load")
    assert tab.locator(".highlighted").count() == 0
    first = tab.locator("dl.glossary > dt").first
    assert int(first.evaluate("el => getComputedStyle(el).fontWeight")) >= 600
    total = tab.locator("dl.glossary > dt:visible").count()
    tab.get_by_label("Filter the glossary").fill("schema")
    visible = tab.locator("dl.glossary > dt:visible")
    assert 0 < visible.count() < total
    shown = tab.locator("dl.glossary > :is(dt, dd):visible").all_inner_texts()
    assert all("schema" in " ".join(shown[i : i + 2]).lower() for i in range(0, len(shown), 2))
    assert "match" in tab.locator(".course-glossary-count").inner_text()
    shot(tab, "15-glossary-phone-filtered")
    tab.get_by_label("Filter the glossary").fill("")
    assert tab.locator("dl.glossary > dt:visible").count() == total
    tab.locator(".course-glossary-nav a", has_text="R").click()
    target = tab.evaluate("location.hash")
    heading = tab.locator(f"dl.glossary > dt{target}")
    assert heading.inner_text().strip().upper().startswith("R")
    tab.wait_for_function(
        "el => Math.abs(el.getBoundingClientRect().top) < window.innerHeight / 2",
        arg=heading.element_handle(),
    )
    context.close()
