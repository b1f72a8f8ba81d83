"""Waiting in a browser test for what the page does, never for a length of time.

A view redraws on the animation frame after its width or theme changes, so a test that changes
either waits for the drawing that follows (`wait_until_drawn_at_width`, or a condition of its
own through `wait_for`). A test that must show that something does *not* happen waits for
something that happens after it would have: `animation_frames` counts the frames a runaway
redraw loop would have used to show itself.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

TIMEOUT_MS = 30_000  # a failure, not a speed: on a busy machine a redraw can take seconds

# Whether every visible panel canvas under `root` spans its container's content box (to a
# pixel): what a view draws once it has measured its width. Until that redraw, a canvas keeps
# the width it was drawn at.
DRAWN_AT_WIDTH_JS = """(root) => {
  const canvases = [...root.querySelectorAll("canvas[data-panel]")]
    .filter((canvas) => canvas.getClientRects().length > 0);
  return canvases.length > 0 && canvases.every((canvas) => {
    const box = canvas.parentElement;
    const { paddingLeft, paddingRight } = getComputedStyle(box);
    const content = box.clientWidth - parseFloat(paddingLeft) - parseFloat(paddingRight);
    return Math.abs(canvas.getBoundingClientRect().width - content) <= 1;
  });
}"""

# Whether every visible panel canvas under `root` is drawn at text scale `scale` (the scale its
# last drawing wrote in data-scale) and across its container's content box.
DRAWN_AT_SCALE_JS = """([root, scale]) => {
  const canvases = [...root.querySelectorAll("canvas[data-panel]")]
    .filter((canvas) => canvas.getClientRects().length > 0);
  return canvases.length > 0 && canvases.every((canvas) => {
    const box = canvas.parentElement;
    const { paddingLeft, paddingRight } = getComputedStyle(box);
    const content = box.clientWidth - parseFloat(paddingLeft) - parseFloat(paddingRight);
    return Number(canvas.dataset.scale) === scale &&
      Math.abs(canvas.getBoundingClientRect().width - content) <= 1;
  });
}"""

# Resolves after `count` animation frames of the page.
FRAMES_JS = """(count) => new Promise((done) => {
  const next = (left) => (left === 0 ? done() : requestAnimationFrame(() => next(left - 1)));
  next(count);
})"""


def wait_for(page: Page, predicate: str, arg: Any = None, *, what: str) -> None:
    """Wait until the JavaScript function `predicate` returns a truthy value for `arg`; fail
    naming `what` was awaited if it does not within `TIMEOUT_MS`."""
    try:
        page.wait_for_function(predicate, arg=arg, timeout=TIMEOUT_MS)
    except PlaywrightTimeoutError as error:
        raise AssertionError(f"not within {TIMEOUT_MS / 1000:.0f} s: {what}") from error


def wait_until_drawn_at_width(root: Locator) -> None:
    """Wait until the view at `root` has drawn every panel across its current width."""
    wait_for(
        root.page,
        DRAWN_AT_WIDTH_JS,
        root.element_handle(),
        what="every panel canvas drawn across its container's width",
    )


def wait_until_drawn_at_scale(root: Locator, scale: float) -> None:
    """Wait until the view at `root` has drawn every panel at text `scale` across its width:
    what follows a switch into presentation or out of it."""
    wait_for(
        root.page,
        DRAWN_AT_SCALE_JS,
        [root.element_handle(), scale],
        what=f"every panel canvas drawn at scale {scale} across its container's width",
    )


def animation_frames(page: Page, count: int) -> None:
    """Return after the page has drawn `count` more animation frames."""
    page.evaluate(FRAMES_JS, count)
