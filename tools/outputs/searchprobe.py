"""What a reader's first search costs: the bytes a browser fetches for it.

One measurement for the search test (tests/test_search.py) and ``make bench``:
the built site is served under ``/course/`` as it is hosted, an article is
opened in Debian's Chromium (driven by Playwright, never a downloaded
browser), the query is typed into the search box, and every response from
the first keystroke until the first result is shown and the network is idle
is counted. The figure is what a host that compresses text would send: the
gzip size of each response (Pagefind's shards are compressed already, so
their own size counts).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
#: The sub-path the site is served under, as on the host.
PREFIX = "course"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def served(site: Path, prefix: str = PREFIX) -> Iterator[str]:
    """Serve *site* over HTTP under ``/<prefix>/`` (``/course/`` as hosted, ``""`` for the
    server's root); the site's base URL. Tests that serve a built site use this one server.
    """
    mount = prefix.strip("/")
    with tempfile.TemporaryDirectory(prefix="served-") as root:
        if mount:
            (Path(root) / mount).parent.mkdir(parents=True, exist_ok=True)
            (Path(root) / mount).symlink_to(site.resolve(), target_is_directory=True)
        top = root if mount else str(site.resolve())
        handler = functools.partial(_QuietHandler, directory=top)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            base = f"http://127.0.0.1:{server.server_address[1]}/"
            yield f"{base}{mount}/" if mount else base
        finally:
            server.shutdown()
            server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class FirstQuery:
    """The responses of one first query: URL (relative to the site) -> bytes."""

    files: dict[str, bytes]

    @property
    def raw_kb(self) -> float:
        return sum(len(body) for body in self.files.values()) / 1024

    @property
    def compressed_kb(self) -> float:
        """As a host that compresses text sends it (never more than the raw size)."""
        return sum(min(len(b), len(gzip.compress(b))) for b in self.files.values()) / 1024

    def report(self) -> dict[str, Any]:
        return {
            "search_first_query_kb": round(self.compressed_kb, 1),
            "search_first_query_raw_kb": round(self.raw_kb, 1),
            "files": {url: len(body) for url, body in self.files.items()},
        }


def type_query(tab: Any, text: str) -> None:
    """Click the theme's search box and type *text*, key by key, as a reader does."""
    box = tab.locator("input.sidebar-search")
    box.click()
    box.press_sequentially(text)


def _body(response: Any) -> bytes:
    """What the browser received; nothing for a failed or cancelled request."""
    if not response.ok:
        return b""
    try:
        return bytes(response.body())
    except Exception:  # Playwright's Error: the body is gone (request cancelled)
        return b""


def first_query(browser: Any, base_url: str, page: str, query: str) -> FirstQuery:
    """Open *page* of the served site, type *query*: what the browser fetched for it."""
    context = browser.new_context()
    try:
        tab = context.new_page()
        seen: list[str] = []  # what the page said, to name the cause when no result comes
        tab.on("console", lambda m: seen.append(f"console {m.type}: {m.text}"))
        tab.on("pageerror", lambda e: seen.append(f"page error: {e}"))
        tab.goto(base_url + page)
        tab.wait_for_load_state("networkidle")
        responses: list[Any] = []
        # Bodies are read once a result shows, not in the event handler: a request the
        # page cancelled as the reader typed on has no body to read, and an error raised
        # inside a handler surfaces far from its cause (a bench run once timed out here).
        tab.on("response", lambda response: responses.append(response))
        type_query(tab, query)
        try:
            tab.locator(".course-search-result").first.wait_for(timeout=60_000)
        except Exception as error:
            status = tab.locator(".course-search-status").all_inner_texts()
            failed = [f"HTTP {r.status}: {r.url}" for r in responses if not r.ok]
            raise RuntimeError(
                f"no search result for {query!r} on {page} within 60 s; "
                f"status {status}, page log {seen + failed}, "
                f"fetched {[r.url for r in responses]}"
            ) from error
        tab.wait_for_load_state("networkidle")
        fetched = [(r.url, _body(r)) for r in responses]
    finally:
        context.close()
    return FirstQuery({url.removeprefix(base_url): body for url, body in fetched})
