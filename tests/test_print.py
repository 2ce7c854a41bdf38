"""Printing an article from the browser (print.css): Chromium's own print to PDF, then the text.

The page is printed with Playwright's ``page.pdf()`` (Debian's chromium) and
read back with pdftotext (poppler-utils): the article, its answers after their
questions, quiz items, external addresses and the licence are on paper; the
sidebar, header, search, theme toggle, back-to-top, previous/next, edit links
and downloads are not.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_browser import CHROMIUM, browser  # noqa: F401 (fixture)

from helpers import ROOTS, copy_root

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]

EXTERNAL = "https://example.org/rehearsal"
ANSWER = "Because rehearsal keeps the item in short-term memory."
PAGE = f"""---
category: junior-basics
topics: [memory]
summary: A page that prints everything an article can hold.
objectives:
  - Explain rehearsal.
keywords: [printing]
---

# Printing Memory

Rehearsal keeps an item in {{term}}`memory` for longer, as the
[rehearsal study]({EXTERNAL}) reported; see also {{article}}`paying-attention`.

| Store | Duration |
| --- | --- |
| Sensory register | Under a second |
| Short-term memory | About 18 to 30 seconds |

```{{graphviz}}
:alt: Rehearsal loops back into short-term memory.
digraph {{ "Sensory register" -> "Short-term memory" -> "Long-term memory"; }}
```

::::{{question}}
:marks: 2
:objectives: 1
Why does repeating a phone number help you remember it?

:::{{answer}}
{ANSWER}
:::
::::

::::::{{quiz}}

:::::{{choice}} Which store holds information for about 18 to 30 seconds?
:objectives: 1

::::{{option}} The sensory register
Not quite: it holds information for under a second.
::::

::::{{option}} Short-term memory
:correct:
Yes: without rehearsal it lasts about 18 to 30 seconds.
::::
:::::
::::::
"""


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("print")
    conf = (ROOTS / "test-course" / "conf.py").read_text(encoding="utf-8")
    files = {
        "articles/printing-memory.md": PAGE,
        "conf.py": conf + '\ngraphviz_output_format = "svg"  # as conf/conf.py: inline SVG\n',
    }
    src = copy_root(tmp, "course", files=files)
    out = tmp / "html"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-W", "-c", str(src), str(src), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out / "articles" / "printing-memory.html"


@pytest.fixture(scope="module")
def tab(browser: Any, article: Path) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(article.as_uri())
    page.wait_for_load_state("load")
    yield page
    context.close()


def printed(tab: Any, out: Path) -> list[str]:
    """The text of each page of the printed PDF (A4, as a reader's print dialog does)."""
    pdf = out / "printed.pdf"
    pdf.write_bytes(tab.pdf(format="A4"))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.fixture(scope="module")
def pages(tab: Any, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return printed(tab, tmp_path_factory.mktemp("pdf"))


def on_screen(tab: Any, selector: str) -> str:
    """The text a reader sees in *selector* on screen."""
    return " ".join(str(tab.locator(selector).first.inner_text()).split())


def test_the_article_prints_with_its_title_body_answers_quiz_and_licence(
    tab: Any, pages: list[str]
) -> None:
    text = " ".join(pages)
    assert "Printing Memory" in text
    assert "Rehearsal keeps an item in memory for longer" in text
    question = text.index("Why does repeating a phone number help you remember it?")
    assert text.index(f"Answer {ANSWER}") > question  # expanded, labelled, after it
    assert "Show answer" not in text
    assert "Which store holds information for about 18 to 30 seconds?" in text
    assert re.search(r"A\.? The sensory register B\.? Short-term memory", text)
    assert "Answer: B. Short-term memory" in text
    licence = tab.evaluate(
        """() => [...document.querySelector('.course-attribution p').childNodes].map(n =>
              n.textContent + (n.href && n.href.startsWith('http') ? ` (${n.href})` : '')
            ).join('')"""
    )
    assert " ".join(licence.split()) in text


def test_external_links_show_their_address_and_internal_ones_do_not(
    tab: Any, pages: list[str]
) -> None:
    text = " ".join(pages)
    assert f"rehearsalstudy({EXTERNAL})" in text.replace(" ", "")  # lines may break in it
    internal = str(
        tab.locator("article a[href$='paying-attention.html']").first.get_attribute("href")
    )
    assert "paying-attention.html" in internal
    assert "paying-attention.html" not in text
    assert "glossary.html" not in text


def test_no_sidebar_header_search_theme_toggle_or_navigation_on_paper(
    tab: Any, pages: list[str]
) -> None:
    text = " ".join(pages)
    body = on_screen(tab, "article")
    sidebar = [
        " ".join(str(t).split())
        for t in tab.locator(".sidebar-tree a").all_inner_texts()
        if " ".join(str(t).split()) not in body
    ]
    assert sidebar, "the sidebar lists pages the article does not name"
    for entry in sidebar:
        assert entry not in text, entry
    screen_only = {
        "search box": str(tab.locator("input.sidebar-search").get_attribute("placeholder")),
        "theme toggle": str(tab.locator(".theme-toggle").first.get_attribute("aria-label")),
        "back to top": on_screen(tab, ".back-to-top"),
        "next page": on_screen(tab, ".related-pages a.next-page .context"),
        "made with": "Made with",
    }
    for what, words in screen_only.items():
        assert words, what
        assert words not in text, what
    assert "Rehearsal loops back" in str(
        tab.locator(".course-diagram [role=group]").first.get_attribute("aria-label")
    )


def test_paper_layout_full_width_whole_blocks_and_black_text_in_dark_mode(
    tab: Any, pages: list[str]
) -> None:
    tab.evaluate("document.body.dataset.theme = 'dark'")
    tab.emulate_media(media="print")
    try:
        layout = tab.evaluate(
            """() => ({
              article: document.querySelector('article').getBoundingClientRect().width,
              page: document.documentElement.clientWidth,
              sidebar: getComputedStyle(document.querySelector('.sidebar-drawer')).display,
              colour: getComputedStyle(document.querySelector('article p')).color,
              whole: [...document.querySelectorAll('article .course-diagram, article table')]
                .map(e => getComputedStyle(e).breakInside),
              height: document.documentElement.scrollHeight,
            })"""
        )
    finally:
        tab.emulate_media(media="screen")
        tab.evaluate("document.body.dataset.theme = 'auto'")
    assert layout["sidebar"] == "none"
    assert layout["article"] >= 0.9 * layout["page"]
    assert layout["colour"] == "rgb(0, 0, 0)"
    assert layout["whole"] and set(layout["whole"]) == {"avoid"}
    # Each of them on one page: every label of the diagram, every cell of the table.
    for labels in (
        ["Sensory register", "Long-term memory"],
        ["Under a second", "About 18 to 30 seconds"],
    ):
        assert any(all(label in page for label in labels) for page in pages), labels
    # No blank page, and no more pages than the printed layout is tall (A4 is
    # 1123 CSS px; one more for blocks moved whole to the next page).
    assert all(page.strip() for page in pages)
    assert 1 <= len(pages) <= -(-layout["height"] // 1123) + 1
