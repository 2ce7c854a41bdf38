"""Issue 15 in real Chromium: diagrams on a phone and in dark mode, tap-to-define,
the glossary's tools and the 404 page (served from a sub-path and from a root).

Screenshots of an article at 1280x800 and 375x812, light and dark, with a
diagram and an open definition, go to build/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_browser import CHROMIUM, base_url, browser  # noqa: F401 (fixtures)

from helpers import build, copy_root
from tools.outputs.searchprobe import served

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
ARTICLE = "articles/multi-store-model-of-memory.html"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 800}

#: The rendered size in CSS px of the smallest label of every diagram on the page.
LABEL_PX = """() => Array.from(document.querySelectorAll('.course-diagram svg')).map(svg => {
  const box = svg.viewBox.baseVal;
  const scale = svg.getBoundingClientRect().width / box.width;
  const sizes = Array.from(svg.querySelectorAll('text')).map(
    t => parseFloat(t.getAttribute('font-size') || '14') * scale);
  return Math.min(...sizes);
})"""


def shot(tab: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def set_theme(tab: Any, theme: str) -> None:
    tab.evaluate(f"document.body.dataset.theme = '{theme}'")


def test_diagrams_are_inline_svg_readable_on_a_phone(browser: Any, base_url: str) -> None:  # noqa: F811
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    tab = context.new_page()
    tab.goto(base_url + ARTICLE)
    diagram = tab.locator(".course-diagram").first
    assert diagram.locator("svg[role=img][aria-label]").count() == 1
    assert tab.locator("article object, article .course-diagram script").count() == 0
    assert min(tab.evaluate(LABEL_PX)) >= 12
    # The page itself does not scroll sideways; the diagram scrolls in its own box.
    assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    scroll = diagram.locator(".course-diagram-scroll")
    assert scroll.evaluate("el => el.scrollWidth > el.clientWidth")
    enlarge = diagram.locator("button", has_text="Enlarge diagram")
    enlarge.tap()
    dialog = tab.locator("dialog.course-diagram-dialog")
    assert dialog.is_visible() and dialog.locator("svg").count() == 1
    assert min(dialog.evaluate(LABEL_PX.replace("'.course-diagram svg'", "'dialog svg'"))) >= 12
    tab.keyboard.press("Escape")
    assert not dialog.is_visible()
    context.close()


def test_diagrams_take_the_theme_colours_in_dark_mode(browser: Any, base_url: str) -> None:  # noqa: F811
    context = browser.new_context(viewport=LAPTOP)
    tab = context.new_page()
    tab.goto(base_url + ARTICLE)
    set_theme(tab, "dark")
    colours = tab.evaluate(
        """() => {
      const svg = document.querySelector('.course-diagram svg');
      const fill = el => getComputedStyle(el).fill;
      const stroke = el => getComputedStyle(el).stroke;
      return {
        page: getComputedStyle(document.body).color,
        background: fill(svg.querySelector('.graph > polygon')),
        text: fill(svg.querySelector('text')),
        line: stroke(svg.querySelector('.edge path')),
      };
    }"""
    )
    assert colours["background"] in ("rgba(0, 0, 0, 0)", "transparent", "none")
    assert colours["text"] == colours["page"] != "rgb(0, 0, 0)"
    assert colours["line"] == colours["page"]
    context.close()


def open_tip_by_tap(tab: Any) -> Any:
    term = tab.locator(".course-term").first
    term.scroll_into_view_if_needed()
    url = tab.url
    term.locator("a").first.tap()
    tip = term.locator(".course-term-tip")
    assert tab.url == url  # still on the article
    assert tip.is_visible()
    return term


def test_first_tap_on_a_term_shows_its_definition_in_place(browser: Any, base_url: str) -> None:  # noqa: F811
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    tab = context.new_page()
    tab.goto(base_url + ARTICLE)
    term = open_tip_by_tap(tab)
    tip = term.locator(".course-term-tip")
    more = tip.locator("a", has_text="Open in the glossary")
    assert "glossary.html#term-" in (more.get_attribute("href") or "")
    box = tip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    tab.locator("h1").first.tap()  # outside
    assert not tip.is_visible()
    open_tip_by_tap(tab)
    tab.keyboard.press("Escape")
    assert not tip.is_visible()
    open_tip_by_tap(tab)
    more.tap()
    tab.wait_for_url("**/glossary.html#term-*")
    context.close()


def test_keyboard_on_a_term_is_unchanged(browser: Any, base_url: str) -> None:  # noqa: F811
    context = browser.new_context(viewport=LAPTOP)
    tab = context.new_page()
    tab.goto(base_url + ARTICLE)
    link = tab.locator(".course-term a").first
    link.focus()
    tip = tab.locator(".course-term-tip").first
    assert tip.is_visible()
    assert link.get_attribute("aria-describedby") == tip.get_attribute("id")
    assert tip.locator(".course-term-more").count() == 0
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/glossary.html#term-*")
    context.close()


#: The index of the first key term wholly on screen, below furo's phone header.
FIRST_TERM_ON_SCREEN = """() => {
  const header = document.querySelector('.mobile-header').getBoundingClientRect().bottom;
  return Array.from(document.querySelectorAll('.course-term a')).findIndex(a => {
    const r = a.getBoundingClientRect();
    return r.top >= header && r.bottom <= innerHeight;
  });
}"""


@pytest.mark.parametrize(("size", "viewport"), [("1280", LAPTOP), ("375", PHONE)])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_article_screenshots(
    browser: Any,  # noqa: F811
    base_url: str,  # noqa: F811
    size: str,
    viewport: dict[str, int],
    theme: str,
) -> None:
    touch = size == "375"
    context = browser.new_context(
        viewport=viewport, has_touch=touch, is_mobile=touch, color_scheme=theme
    )
    tab = context.new_page()
    tab.goto(base_url + ARTICLE)
    set_theme(tab, theme)
    tab.locator(".course-diagram").first.scroll_into_view_if_needed()
    tab.evaluate("window.scrollBy({top: -120, behavior: 'instant'})")
    # A definition open on a term on screen (one scrolled away under the phone
    # header closes: test_accessibility.py).
    index = tab.evaluate(FIRST_TERM_ON_SCREEN)
    assert index >= 0, "no key term on screen near the diagram"
    link = tab.locator(".course-term a").nth(index)
    if touch:
        box = link.bounding_box()
        assert box is not None
        tab.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    else:
        link.focus()
    assert tab.locator(".course-term-tip:visible").count() == 1
    shot(tab, f"15-article-{size}-{theme}")
    context.close()


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


@pytest.fixture(params=["/", "/course/"])
def not_found_site(request: Any, make_app: Any, tmp_path: Path) -> Iterator[str]:
    prefix = str(request.param)
    src = copy_root(tmp_path, "course")
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(
            f'\nextensions.append("notfound.extension")\nnotfound_urls_prefix = "{prefix}"\n'
        )
    app = build(make_app, src)
    with served(Path(app.outdir), prefix) as url:
        yield url


def test_404_links_and_search_work_on_a_phone_from_root_or_sub_path(
    browser: Any,  # noqa: F811
    not_found_site: str,
) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    tab = context.new_page()
    tab.goto(not_found_site + "404.html")
    # Styled: the theme's stylesheet loaded from the right place, and the
    # theme visible (its phone header shown, its fonts on the page).
    assert tab.evaluate(
        "Array.from(document.styleSheets).some(s => s.href && s.href.includes('furo') && s.cssRules.length > 0)"
    )
    assert tab.evaluate(
        """() => getComputedStyle(document.querySelector('.mobile-header')).display === 'flex'
          && getComputedStyle(document.body).fontFamily.includes('-apple-system')"""
    )
    # And no sideways scrolling at 375 px.
    assert tab.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    box = tab.get_by_label("Search the course").last
    assert box.is_visible()
    position = box.bounding_box()
    assert position is not None and position["x"] + position["width"] <= PHONE["width"]
    assert position["y"] + position["height"] <= PHONE["height"]
    shot(tab, f"15-404-phone{not_found_site.rsplit(':', 1)[1].split('/', 1)[1].replace('/', '-')}")
    tab.locator("article a", has_text="the home page").tap()
    tab.wait_for_load_state("load")
    assert tab.locator("h1").first.inner_text().strip() != "Page not found"
    assert tab.url.rstrip("/").endswith(
        not_found_site.rstrip("/").rsplit(":", 1)[1]
    ) or tab.url.endswith("index.html")
    tab.go_back()
    tab.locator("article a", has_text="search").first.tap()
    tab.wait_for_url("**/search.html")
    tab.go_back()
    box.fill("memory")
    box.press("Enter")
    tab.wait_for_url("**/search.html?q=memory")
    context.close()
