"""The documentation site, opened from disk (``file://``) in Debian's Chromium, as a reader who
downloaded it would: every page loads with no request leaving the machine and no console error,
every internal link and anchor leads somewhere that exists, and each lesson's embedded explorer
page draws its pictures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pytest
from playwright.sync_api import BrowserContext, Page, expect

if TYPE_CHECKING:
    from ..docs_site import DocsSite

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.docs_site"]

LOCAL = ("file:", "data:", "blob:", "about:")

# Every canvas the explorer draws a panel on has at least two colours: not blank.
PANELS_DRAWN = """
() => {
  const canvases = [...document.querySelectorAll(".rnnwidget canvas[data-panel]")];
  return canvases.length > 0 && canvases.every((canvas) => {
    if (canvas.width === 0 || canvas.height === 0) return false;
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 4; i < pixels.length; i += 4) {
      for (let c = 0; c < 4; c++) if (pixels[i + c] !== pixels[c]) return true;
    }
    return false;
  });
}
"""


@dataclass(frozen=True)
class Visit:
    """What one page did when it loaded, and what it holds."""

    requests: list[str]
    failed: list[str]
    errors: list[str]
    links: list[str]
    ids: set[str]


def visit_all(page: Page, pages: list[Path]) -> dict[Path, Visit]:
    """Load each page in turn in one tab, recording its requests, failures and console errors,
    and collecting its links and the ids its anchors can point at."""
    requests: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}"))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Nothing may leave the machine: whatever is not a local URL is refused (and recorded).
    page.route(re.compile(r"^(?!file:|data:|blob:)"), lambda route: route.abort())
    visits = {}
    for path in pages:
        for record in (requests, failed, errors):
            record.clear()
        page.goto(path.as_uri(), wait_until="load")
        links = page.eval_on_selector_all("a[href]", "anchors => anchors.map((a) => a.href)")
        ids = page.eval_on_selector_all("[id], a[name]", "all => all.map((e) => e.id || e.name)")
        visits[path] = Visit([*requests], [*failed], [*errors], links, set(ids))
    return visits


@pytest.fixture(scope="module")
def visits(chromium: BrowserContext, docs_site: DocsSite) -> dict[Path, Visit]:
    """Every HTML page of the built site, loaded once."""
    pages = sorted(p for p in docs_site.html.rglob("*.html") if "_static" not in p.parts)
    page = chromium.new_page()
    try:
        return visit_all(page, pages)
    finally:
        page.close()


def test_every_page_loads_offline_without_an_error(visits: dict[Path, Visit]):
    problems = []
    for path, visit in visits.items():
        problems += [
            f"{path.name}: requested {url}" for url in visit.requests if not url.startswith(LOCAL)
        ]
        problems += [f"{path.name}: failed {failure}" for failure in visit.failed]
        problems += [f"{path.name}: console error {error}" for error in visit.errors]
    assert problems == []
    assert len(visits) > 20  # the guide, the lessons and their explorers, the API pages


def test_every_internal_link_and_anchor_resolves(visits: dict[Path, Visit]):
    broken = []
    for path, visit in visits.items():
        for link in visit.links:
            url = urlsplit(link)
            if url.scheme != "file":
                continue  # a link to another site: not loaded, not checked here
            target = Path(url2pathname(url.path))
            if not target.exists():
                broken.append(f"{path.name}: {link}")
            elif (
                url.fragment
                and target in visits
                and unquote(url.fragment) not in visits[target].ids
            ):
                broken.append(f"{path.name}: {link} (no such anchor)")
    assert broken == []


def test_every_lesson_with_an_explorer_embeds_its_page_and_it_is_live(
    chromium: BrowserContext, docs_site: DocsSite
):
    lessons = sorted((docs_site.html / "examples").glob("*.explorer.html"))
    assert lessons, "no lesson embeds an explorer"
    page = chromium.new_page()
    try:
        for explorer_page in lessons:
            lesson = explorer_page.with_name(explorer_page.name.replace(".explorer", ""))
            page.goto(lesson.as_uri())
            iframe = page.locator("iframe.lesson-explorer")
            expect(iframe).to_have_attribute("src", explorer_page.name)
            iframe.scroll_into_view_if_needed()
            frame = iframe.element_handle().content_frame()
            assert frame is not None, lesson.name
            expect(frame.locator(".rnnwidget").first).to_have_attribute(
                "data-revision", re.compile(r"\d")
            )
            frame.wait_for_function(PANELS_DRAWN, polling=100)
            # Live in the site too: the sequence length (every cell's) moves the picture.
            view = frame.locator(".rnnwidget").first
            drawn = view.get_attribute("data-revision")
            summary = view.locator(".rnnwidget-summary").text_content()
            frame.locator("input[type=range][data-trait='seq_len']").first.focus()
            page.keyboard.press("PageDown")
            expect(view).not_to_have_attribute("data-revision", drawn or "")
            expect(view.locator(".rnnwidget-summary")).not_to_have_text(summary or "")
    finally:
        page.close()
