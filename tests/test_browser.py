"""The built site in real headless Chromium (Debian's), as a student uses it.

Screenshots for people to look at go to build/screenshots/; the Nu Html
Checker's figures go to build/reports/ (axe-core runs in test_accessibility.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.outputs.searchprobe import served

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
REPORTS = ROOT / "build" / "reports"
CHROMIUM = "/usr/bin/chromium"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian's chromium (system packages 'test')"
    ),
]

#: One page of every kind a reader can open: the Nu checker and the phone layout
#: check here, and axe in test_accessibility.py, run on each.
PAGE_TYPES = {
    "home": "index.html",
    "level": "browse/levels/year-10.html",
    "course": "browse/courses/abnormal-psychology.html",
    "category": "browse/categories/treatment-approaches.html",
    "article": "articles/therapeutic-alliance.html",
    "article with diagram, quiz and questions": "articles/multi-store-model-of-memory.html",
    "glossary": "glossary.html",
    "topic": "browse/topics/attention.html",
    "subject": "browse/subjects/cognitive-psychology.html",
    "browse index": "browse/index.html",
    "A-Z index": "browse/a-z.html",
    "category index": "course-categories.html",
    "topic index": "course-topics.html",
    "general index": "genindex.html",
    "search": "search.html?q=memory",
    "404": "404.html",
    "reuse": "reuse.html",
    "accessibility": "accessibility.html",
}


@pytest.fixture(scope="module")
def base_url(real_site: tuple[Any, Path]) -> Iterator[str]:
    done, html = real_site
    assert done.returncode == 0, done.stderr[-2000:]
    # Served under /course/, as on the real host, so the 404 page's absolute links work.
    with served(html) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def shot(tab: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_walk_from_home_to_an_article_in_four_clicks(page: Any, base_url: str) -> None:
    page.goto(base_url)
    shot(page, "01-home")
    page.locator("article .course-card a", has_text="University modules").first.click()
    assert page.locator("h1").inner_text().startswith("University modules")
    page.locator("article .course-card a", has_text="Abnormal Psychology").first.click()
    assert page.locator("h1").inner_text().startswith("Abnormal Psychology")
    page.locator("article .course-card a", has_text="Treatment Approaches").first.click()
    assert "Treatment Approaches" in page.locator("h1").inner_text()
    shot(page, "02-category")
    page.locator("article .course-card a", has_text="Therapeutic Alliance").first.click()
    assert "Therapeutic Alliance" in page.locator("h1").inner_text()
    assert page.locator(".course-trail").inner_text().startswith("University modules")
    shot(page, "03-article")


@pytest.mark.parametrize(
    ("query", "article"),
    [
        ("therapeutic alliance", "therapeutic-alliance"),
        ("conformity", "conformity-and-obedience"),
        ("Piaget", "piagets-stages"),
    ],
)
def test_search_lists_the_right_article_first(
    page: Any, base_url: str, query: str, article: str
) -> None:
    page.goto(base_url)
    page.fill("#course-search-input", query)
    page.press("#course-search-input", "Enter")
    first = page.locator("#search-results li a").first
    first.wait_for(timeout=15000)
    assert f"articles/{article}.html" in first.get_attribute("href")
    shot(page, f"04-search-{article}")
    first.click()
    page.wait_for_url(f"**/articles/{article}.html*")


def test_review_question_answer_opens(page: Any, base_url: str) -> None:
    page.goto(base_url + PAGE_TYPES["article"])
    answer = page.locator("details.course-answer").first
    body = answer.locator(".sd-summary-content")
    assert not body.is_visible()
    answer.locator("summary").click()
    assert body.is_visible()
    answer.scroll_into_view_if_needed()
    shot(page, "05-answer-open")


def test_glossary_term_shows_definition_on_hover_and_focus(page: Any, base_url: str) -> None:
    page.goto(base_url + PAGE_TYPES["article"])
    term = page.locator(".course-term").first
    tip = term.locator(".course-term-tip")
    assert not tip.is_visible()
    term.locator("a").focus()
    assert tip.is_visible() and len(tip.inner_text()) > 20
    page.mouse.move(0, 0)
    term.hover()
    assert tip.is_visible()
    box = tip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280
    shot(page, "06-term-tooltip")


def test_term_is_a_plain_link_without_javascript(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base_url + PAGE_TYPES["article"])
    link = tab.locator(".course-term a").first
    href = link.get_attribute("href")
    assert href.startswith("../glossary.html#term-")
    link.click()
    tab.wait_for_url("**/glossary.html#term-*")
    context.close()


def test_dark_mode_toggle(page: Any, base_url: str) -> None:
    page.goto(base_url + PAGE_TYPES["article"])
    toggle = page.locator(".theme-toggle:visible").first
    seen = [page.evaluate("document.body.dataset.theme")]
    # furo cycles through three themes (auto, light, dark): dark is at most three clicks away.
    for _ in range(3):
        toggle.click()
        seen.append(page.evaluate("document.body.dataset.theme"))
        if seen[-1] == "dark":
            break
    assert seen[1] != seen[0], f"the toggle changed nothing: {seen}"
    assert seen[-1] == "dark", f"no click reached the dark theme: {seen}"
    shot(page, "07-article-dark")


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_no_sideways_scrolling_on_a_phone(browser: Any, base_url: str, kind: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    tab = context.new_page()
    tab.goto(base_url + PAGE_TYPES[kind])
    tab.wait_for_load_state("networkidle")
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if kind in ("home", "article"):
        shot(tab, f"08-phone-{kind}")
    context.close()
    assert overflow <= 0, f"{kind} scrolls sideways by {overflow}px"


@pytest.mark.skipif(
    shutil.which("java") is None or not VNU.exists(), reason="needs Java and npm's vnu-jar"
)
def test_html_checker_finds_no_errors(real_site: tuple[Any, Path]) -> None:
    """The Nu Html Checker on one page of each type: no errors."""
    _, html = real_site
    files = [str(html / rel.split("?")[0]) for rel in PAGE_TYPES.values()]
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    REPORTS.mkdir(parents=True, exist_ok=True)
    per_page = Counter(m["url"].split(str(html))[-1] for m in messages)
    (REPORTS / "vnu.json").write_text(
        json.dumps({"errors_per_page": per_page, "messages": messages}, indent=2)
    )
    assert [f"{m['url'].split(str(html))[-1]}: {m['message']}" for m in messages] == []
