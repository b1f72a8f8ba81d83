"""Look at the widgets as a class does: screenshots in a real JupyterLab, in Debian's Chromium.

    python scripts/screenshots.py [OUT_DIR]

For each browser window (1024 x 768 and 1400 x 900 px, and the sizes given with ``--windows``),
JupyterLab's presentation mode (View > Presentation Mode) off and on, and the light and the dark
theme, it saves two PNGs of each view to OUT_DIR (default ``screenshots/``, git-ignored):
``KIND-WIDTH-MODE-THEME.png``, the whole view, and ``...-screen.png``, the window with the view
scrolled to the top of the notebook: what the room sees first. The views: the explorer (an
Elman cell, ``explorer``, and an LSTM, ``lstm``), two comparisons (three W_hh scales,
``compare``; the three cells, ``cells``), the trainer (after a few steps, ``trainer``) and its
text view (``text``). JupyterLab keeps its file browser open, as it opens.
Open the pictures and look: nothing overlaps, nothing is cut, the text reads from the back row,
and in presentation the first chart is on the first screen. ``--kinds text trainer`` takes only
the views named.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import Locator, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rnnwidget.geometry import GEOMETRY  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.jupyter import (  # noqa: E402
    NotebookPage,
    isolated_environment,
    run_server,
    set_presentation_mode,
    set_theme,
)
from tests.browser.legibility import first_screen  # noqa: E402
from tests.browser.test_harness import write_notebook  # noqa: E402
from tests.browser.waits import wait_until_drawn_at_scale  # noqa: E402

CELLS = [
    "from rnnwidget import RNNExplorer, RNNTrainer, compare\n"
    "w = RNNExplorer(w_hh_scale=0.9, seq_len=120, units=32, input_kind='sentence')\nw",
    "g = RNNExplorer(cell='lstm', seq_len=120, units=32, input_kind='noise')\ng",
    "t = RNNTrainer(lag=20, units=16)\nt.run(60)\nt",
    "x = RNNTrainer(task='text', corpus='python', cell='lstm', units=64, feature='line')\n"
    "x.run(150)\nx",
    "c = compare(w_hh_scale=[0.5, 1.0, 1.5], seq_len=100, units=16)\nc",
    'cells = compare(cell=["elman", "gru", "lstm"], seq_len=200, units=32, input_kind="noise")\n'
    "cells",
]
THEMES = ("light", "dark")
EXPLORERS = ".rnnwidget:not(.rnnwidget-trainer)"
# Each view, and what must be on the first screen: its first chart (the text view's first
# panel is the sample the network writes).
VIEWS = {
    "explorer": (f"{EXPLORERS} >> nth=0", "canvas[data-panel]"),
    "lstm": (f"{EXPLORERS} >> nth=1", "canvas[data-panel]"),
    "trainer": (".rnnwidget-trainer >> nth=0", "canvas[data-panel]"),
    "text": (".rnnwidget-trainer >> nth=1", ".rnnwidget-trainer-sample"),
    "compare": (".rnnwidget-comparison >> nth=0", "canvas[data-panel]"),
    "cells": (".rnnwidget-comparison >> nth=1", "canvas[data-panel]"),
}
TALL = 400  # px of window beyond a view's height, for a picture of the whole view


def steady(page: Page) -> None:
    """Keep what is not the notebook out of the pictures, and the notebook still while shot."""
    # JupyterLab's news toast would sit on top of the pictures.
    page.add_style_tag(content=".Toastify { display: none !important; }")
    # Cells out of sight skip rendering (content-visibility: auto), and the heights they
    # guess meanwhile move a tall view while it is being photographed.
    page.add_style_tag(content=".jp-Cell { content-visibility: visible !important; }")


def shoot(view: Locator, first: str, target: Path, colours: int | None = None) -> None:
    """The window with the view at the top of the notebook area; reduced to `colours` colours
    (a palette PNG, a fraction of the size, for pictures kept in the repository) if given."""
    first_screen(view, first)
    png = view.page.screenshot()
    if colours is None:
        target.write_bytes(png)
    else:
        reduced = Image.open(io.BytesIO(png)).convert("RGB").quantize(colours)
        reduced.save(target, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "screenshots"))
    parser.add_argument(
        "--windows", nargs="*", default=["1024x768", "1400x900"], help="WIDTHxHEIGHT, px"
    )
    parser.add_argument("--kinds", nargs="*", default=None, help="only these views")
    args = parser.parse_args()
    windows = [tuple(int(n) for n in size.split("x")) for size in args.windows]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, run_server("lab", Path(tmp)) as server:
        source = write_notebook(Path(tmp) / "look.ipynb", *CELLS)
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                Path(tmp) / "profile",
                env=isolated_environment(Path(tmp) / "home"),
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": windows[0][0], "height": windows[0][1]},
                device_scale_factor=1,
            )
            nb = NotebookPage(server, server.add_notebook(source), context.new_page())
            nb.load()
            nb.run_all()
            page = nb.page
            steady(page)
            for theme in THEMES:
                set_theme(page, theme == "light")
                for width, height in windows:
                    for presentation in (False, True):
                        mode = "presentation" if presentation else "normal"
                        scale = GEOMETRY.presentation.scale if presentation else 1
                        set_presentation_mode(page, presentation)
                        page.set_viewport_size({"width": width, "height": height})
                        views = {
                            kind: (page.locator(selector), first)
                            for kind, (selector, first) in VIEWS.items()
                            if not args.kinds or kind in args.kinds
                        }
                        for kind, (view, first) in views.items():
                            wait_until_drawn_at_scale(view, scale)
                            target = out / f"{kind}-{width}-{mode}-{theme}-screen.png"
                            shoot(view, first, target)
                            print(target)
                        for kind, (view, _) in views.items():
                            # A window as tall as the view, which the notebook then holds whole.
                            tall = view.evaluate("(el) => el.getBoundingClientRect().height")
                            page.set_viewport_size({"width": width, "height": int(tall) + TALL})
                            wait_until_drawn_at_scale(view, scale)
                            view.evaluate("(el) => el.scrollIntoView({block: 'start'})")
                            target = out / f"{kind}-{width}-{mode}-{theme}.png"
                            view.screenshot(path=str(target))
                            print(target)
            nb.close()
            context.close()


if __name__ == "__main__":
    main()
