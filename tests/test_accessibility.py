"""Accessibility, as a user of assistive technology meets it (issue 16 items 5-6,
issue 15's phone leftovers).

The statement page says only what is true of the repository (the tests and
make targets it names exist; problems go to the repository's tracker). In
Chromium, on the real site served under /course/: axe-core finds no violation
of any impact on any page type, light or dark; a keyboard-only journey from
the home page to a glossary term shows a focus outline at every stop; on a
375 px phone a term's definition stays clear of the sticky header and a wide
diagram has no blank band around it. axe's counts go to build/reports/axe.json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_browser import (  # noqa: F401 (fixtures)
    CHROMIUM,
    PAGE_TYPES,
    REPORTS,
    base_url,
    browser,
)

ROOT = Path(__file__).resolve().parent.parent
STATEMENT = ROOT / "docs" / "accessibility.md"

in_browser = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


PHONE = {"width": 375, "height": 812}
ARTICLE = PAGE_TYPES["article with diagram, quiz and questions"]


# --- the statement ----------------------------------------------------------------


def test_the_statement_names_only_tests_and_commands_that_exist() -> None:
    text = STATEMENT.read_text(encoding="utf-8")
    tests = set(re.findall(r"`(tests/test_\w+\.py)`", text))
    assert tests, "the statement names no test"
    assert sorted(t for t in tests if not (ROOT / t).is_file()) == []
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.M))
    commands = set(re.findall(r"`make ([\w-]+)", text))
    assert commands and sorted(commands - targets) == []


def test_the_statement_says_what_the_issue_asks_and_where_to_report() -> None:
    text = STATEMENT.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    for wanted in ("standard", "test", "Formats", "Printing", "Known issues", "Report"):
        assert any(wanted.lower() in h.lower() for h in headings), (wanted, headings)
    assert "WCAG) 2.2 at\nlevel AA" in text or "WCAG 2.2 AA" in " ".join(text.split())
    conf = (ROOT / "conf" / "conf.py").read_text(encoding="utf-8")
    repository = re.search(r'^REPOSITORY_URL = "([^"]+)"', conf, flags=re.M)
    assert repository is not None
    assert f"({repository.group(1)}/issues)" in text
    known = text.split("## Known issues", 1)[1].split("\n## ", 1)[0]
    rows = [r for r in known.splitlines() if r.startswith("|")][2:]
    assert rows and all(r.rstrip(" |").rsplit("|", 1)[1].strip() for r in rows)


@pytest.mark.slow
def test_every_page_footer_links_to_the_statement(real_site: tuple[Any, Path]) -> None:
    done, html = real_site
    assert done.returncode == 0, done.stderr[-2000:]
    pages = sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)
    assert pages
    for page in pages:
        footer = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
            "footer .course-attribution"
        )
        assert footer is not None, page
        link = footer.find("a", string="Accessibility statement")
        assert link is not None, page
        href = str(link["href"])
        if href.startswith("/"):  # the 404 page's links are absolute, under the site's path
            href = "/".join(href.split("/")[2:]) if href.count("/") > 1 else href[1:]
            target = (html / href).resolve()
        else:
            target = page if href == "#" else (page.parent / href).resolve()
        assert target == (html / "accessibility.html").resolve(), (page, link["href"])


# --- axe ----------------------------------------------------------------------------


@pytest.mark.slow
@in_browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_page_type(browser: Any, base_url: str, scheme: str) -> None:  # noqa: F811
    """Every rule axe runs by default, every impact (minor and moderate too)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: list[str] = []
    counts: dict[str, int] = {}
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    for kind, rel in PAGE_TYPES.items():
        tab.goto(base_url + rel)
        tab.wait_for_load_state("load")
        tab.evaluate(f"document.body.dataset.theme = '{scheme}'")
        violations = axe.run(tab).response["violations"]
        counts[kind] = len(violations)
        found += [
            f"{kind}: {v['id']} ({v['impact']}): {v['help']} at {n['target']}: {n['html'][:120]}"
            for v in violations
            for n in v["nodes"]
        ]
    context.close()
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"axe-{scheme}.json").write_text(json.dumps(counts, indent=2, sort_keys=True))
    assert found == [], "\n".join(found)


# --- keyboard only ------------------------------------------------------------------

#: What the focused element looks like: is an outline (or a ring) drawn, is it on screen.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  // The outline may be drawn by a pseudo-element (a sphinx-design card outlines
  // the whole card through its stretched link's ::after).
  const drawn = s => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1
    || s.boxShadow !== 'none';
  const outline = [style, getComputedStyle(el, '::after'), getComputedStyle(el, '::before')]
    .some(drawn);
  return {
    what: el.tagName + ' ' + (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 40),
    drawn: outline,
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
  };
}"""


class Keyboard:
    """Tab and Enter, checking at every stop that the focus can be seen."""

    def __init__(self, tab: Any) -> None:
        self.tab = tab
        self.stops = 0

    def press(self, key: str) -> None:
        self.tab.keyboard.press(key)
        seen = self.tab.evaluate(FOCUS)
        if seen is None:
            return
        self.stops += 1
        assert seen["drawn"], f"no focus outline on {seen['what']!r} ({self.tab.url})"
        if not seen["onScreen"]:  # the theme slides its skip link in: let it arrive
            try:
                self.tab.wait_for_function(f"() => ({FOCUS})().onScreen", timeout=5000)
            except PlaywrightTimeout:
                raise AssertionError(
                    f"focus off screen on {seen['what']!r} ({self.tab.url})"
                ) from None

    def tab_to(self, test: str, limit: int = 400, key: str = "Tab") -> None:
        """Press *key* until ``test`` (a JS function of the focused element) holds."""
        for _ in range(limit):
            self.press(key)
            if self.tab.evaluate(f"(el => ({test})(el))(document.activeElement)"):
                return
        raise AssertionError(f"{key} never reached an element where {test} ({self.tab.url})")

    def skip_to_content(self) -> None:
        self.tab_to("el => el.matches('.skip-to-content')")
        self.tab.keyboard.press("Enter")

    def follow(self, text: str) -> None:
        """From the main content, Tab to the link whose text starts with *text*, Enter."""
        self.skip_to_content()
        self.tab_to(
            f"el => el.closest('article') && el.matches('a') && "
            f"el.textContent.trim().startsWith({json.dumps(text)})"
        )
        with self.tab.expect_navigation():
            self.tab.keyboard.press("Enter")


@pytest.mark.slow
@in_browser
def test_keyboard_journey_from_home_to_a_glossary_term(browser: Any, base_url: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(base_url + "index.html")
    keys = Keyboard(tab)
    for link, heading in [
        ("University modules", "University modules"),
        ("Abnormal Psychology", "Abnormal Psychology"),
        ("Treatment Approaches", "Treatment Approaches"),
        ("The Therapeutic Alliance", "Therapeutic Alliance"),
    ]:
        keys.follow(link)
        assert heading in tab.locator("h1").first.inner_text(), tab.url
    # Open a model answer.
    keys.tab_to("el => el.matches('details.course-answer > summary')")
    answer = tab.locator("details.course-answer:has(> summary:focus)")
    body = answer.locator(".sd-summary-content")
    assert not body.is_visible()
    tab.keyboard.press("Enter")
    assert answer.evaluate("el => el.open") and body.is_visible()
    # Key terms come before the questions: back (Shift+Tab) to the nearest one.
    keys.tab_to("el => el.matches('.course-term a')", key="Shift+Tab")
    term = tab.evaluate("document.activeElement.textContent.trim()")
    assert tab.locator(".course-term:focus-within .course-term-tip").is_visible()
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert "/glossary.html#term-" in tab.url
    target = tab.locator("dl.glossary > dt:target")
    assert target.inner_text().strip().lower().startswith(term.lower())
    assert keys.stops > 0
    context.close()


# --- a phone: definitions clear of the header, diagrams without blank bands -----------

BOXES = """() => {
  const box = el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  const header = document.querySelector('.mobile-header');
  const tip = Array.from(document.querySelectorAll('article .course-term-tip'))
    .find(t => getComputedStyle(t).display !== 'none');
  const word = tip && tip.closest('.course-term');
  const shown = Boolean(tip);
  let covered = false;
  if (shown) {
    const t = box(tip), h = box(header);
    for (let x = Math.max(t.left, 1); x < Math.min(t.right, innerWidth - 1); x += 20) {
      const hit = document.elementFromPoint(x, (h.top + h.bottom) / 2);
      if (hit && tip.contains(hit)) covered = true;
    }
  }
  return {header: box(header), tip: shown ? box(tip) : null, word: word && box(word),
          height: innerHeight, covered};
}"""


#: Scroll, then wait two frames: the page's scroll handlers have run by then.
SCROLL_A_LITTLE = """() => new Promise(done => {
  window.scrollBy({top: 16, behavior: 'instant'});
  requestAnimationFrame(() => requestAnimationFrame(done));
})"""


def _open_term_at(tab: Any, index: int, where: str) -> dict[str, Any]:
    """Scroll term *index* just under the header ('top') or to the window's foot, tap it."""
    term = tab.locator("article .course-term").nth(index)
    term.scroll_into_view_if_needed()
    tab.evaluate(
        """([el, where]) => {
          const header = document.querySelector('.mobile-header').getBoundingClientRect().bottom;
          const r = el.getBoundingClientRect();
          const by = where === 'top' ? r.top - header - 6 : r.bottom - innerHeight + 6;
          window.scrollBy({top: by, behavior: 'instant'});
        }""",
        [term.element_handle(), where],
    )
    # A tap where the word is now (a locator's tap would scroll it elsewhere first).
    box = term.locator("a").first.bounding_box()
    assert box is not None
    tab.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    boxes: dict[str, Any] = tab.evaluate(BOXES)
    assert boxes["tip"] is not None, "the tap did not open the definition"
    return boxes


def _clear_of_the_header(boxes: dict[str, Any]) -> None:
    tip, header = boxes["tip"], boxes["header"]
    assert not boxes["covered"], f"the definition is drawn over the header: {boxes}"
    assert tip["top"] >= header["bottom"] - 0.5, f"the definition starts under the header: {boxes}"
    assert tip["bottom"] <= boxes["height"] + 0.5, f"the definition runs off the screen: {boxes}"


@pytest.mark.slow
@in_browser
def test_a_definition_on_a_phone_stays_between_the_header_and_the_screen_foot(
    browser: Any,  # noqa: F811
    base_url: str,  # noqa: F811
) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    tab = context.new_page()
    tab.goto(base_url + ARTICLE)
    terms = tab.locator("article .course-term").count()
    assert terms > 1
    # A term just under the header: its definition opens below it.
    boxes = _open_term_at(tab, 0, "top")
    _clear_of_the_header(boxes)
    assert boxes["tip"]["top"] >= boxes["word"]["bottom"] - 0.5
    # Scrolling on: the definition never slides over (or under) the header.
    for _ in range(3):
        tab.evaluate(SCROLL_A_LITTLE)
        boxes = tab.evaluate(BOXES)
        if boxes["tip"] is not None:
            _clear_of_the_header(boxes)
    tab.keyboard.press("Escape")
    # A term at the foot of the screen: its definition opens above it, below the header.
    boxes = _open_term_at(tab, terms - 1, "foot")
    _clear_of_the_header(boxes)
    assert boxes["tip"]["bottom"] <= boxes["word"]["top"] + 0.5
    context.close()


#: The diagram's figure: heights of the drawing, its scroll box, the button, the caption.
FIGURE = """() => {
  const figure = document.querySelector('figure:has(.course-diagram)');
  const h = el => el ? el.getBoundingClientRect().height : 0;
  const button = figure.querySelector('.course-diagram-enlarge');
  const scroll = figure.querySelector('.course-diagram-scroll');
  return {
    figure: h(figure), svg: h(figure.querySelector('svg')), box: scroll.clientHeight,
    scrolls: scroll.scrollWidth > scroll.clientWidth,
    button: button && !button.hidden ? h(button) : 0, caption: h(figure.querySelector('figcaption')),
  };
}"""


@pytest.mark.slow
@in_browser
def test_a_wide_diagram_on_a_phone_has_no_blank_band_around_it(
    browser: Any,  # noqa: F811
    base_url: str,  # noqa: F811
) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    tab = context.new_page()
    tab.goto(base_url + ARTICLE)
    sizes = tab.evaluate(FIGURE)
    assert sizes["scrolls"], sizes  # the case in question: a drawing wider than the phone
    assert abs(sizes["box"] - sizes["svg"]) <= 1, f"blank band inside the scroll box: {sizes}"
    blank = sizes["figure"] - sizes["svg"] - sizes["button"] - sizes["caption"]
    assert blank <= 12, f"{blank:.0f}px of blank space in the figure: {sizes}"
    context.close()


def test_handout_title_pages_link_the_statement(make_app: Any, tmp_path: Path) -> None:
    """A reader of the paper or PDF finds the statement (and the other formats) too."""
    from helpers import build, copy_root

    site = "https://example.org/course/"
    app = build(
        make_app, copy_root(tmp_path, "course"), "handout", confoverrides={"html_baseurl": site}
    )
    pages = sorted(Path(app.outdir).glob("*.html"))
    assert pages
    for page in pages:
        title = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
            ".title-page"
        )
        assert title is not None, page.name
        assert title.find("a", href=f"{site}accessibility.html") is not None, page.name
