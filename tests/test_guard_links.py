"""The guard's last link check (guard.drop_unsafe_links): one walk of a page, every kind of link."""

from __future__ import annotations

import pytest
from docutils import nodes
from sphinx import addnodes

from tools.extensions import guard
from tools.extensions.guard import drop_unsafe_links

BAD = "javascript:alert(1)"


@pytest.fixture
def warned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The guard's warnings, as it words them (Sphinx's logging setup varies by test order)."""
    seen: list[str] = []
    monkeypatch.setattr(guard, "_warn", lambda node, message: seen.append(message))
    return seen


def _page(*children: nodes.Node) -> nodes.section:
    page = nodes.section()
    page += nodes.paragraph("", "", *children)
    return page


def test_every_kind_of_unsafe_url_goes_and_safe_ones_stay(warned: list[str]) -> None:
    toctree = addnodes.toctree(entries=[("Bad", BAD), (None, "articles/memory")])
    page = _page(
        nodes.reference("", "shown text", refuri=BAD),
        nodes.reference("", "fine", refuri="https://example.org/"),
        nodes.target("", refuri=BAD),
        nodes.image(uri=BAD),
        addnodes.download_reference("", "the file", reftarget=BAD),
        toctree,
    )
    drop_unsafe_links(page)
    assert [message.split(":")[0] for message in warned] == [
        "link removed",
        "link target removed",
        "image removed",
        "download removed",
        "toctree entry 'Bad' removed",
    ]
    assert [r["refuri"] for r in page.findall(nodes.reference)] == ["https://example.org/"]
    assert "shown text" in page.astext() and "the file" in page.astext()  # the words stay
    assert not list(page.findall(nodes.image))
    assert toctree["entries"] == [(None, "articles/memory")]


def test_what_a_removed_link_held_is_not_reported_again(warned: list[str]) -> None:
    """A link that shows its own refused URL goes whole, with the image inside it."""
    link = nodes.reference("", BAD, refuri=BAD)
    link += nodes.image(uri="javascript:alert(2)")
    page = _page(link)
    drop_unsafe_links(page)
    assert len(warned) == 1 and warned[0].startswith("link removed")
    assert not list(page.findall(nodes.reference)) and not list(page.findall(nodes.image))
