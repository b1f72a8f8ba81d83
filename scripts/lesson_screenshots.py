"""Each lesson as the room sees it: every lecture notebook's first widget in a real JupyterLab.

    python scripts/lesson_screenshots.py [OUT_DIR] [--notebooks 01 06]

For each notebook ``examples/NN_*.ipynb`` it opens the notebook in JupyterLab, in Debian's
Chromium at 1024 x 768 px with View > Presentation Mode on, runs all its cells, waits until the
notebook's first widget has drawn (not for the cells after it: 06 to 08 go on training), scrolls
that widget to the top of the notebook area and saves the window, in the light and the dark
theme, as ``OUT_DIR/NN-light.png`` and ``NN-dark.png`` (default ``docs/lessons/``, the pictures
docs/lessons.md shows), reduced to 256 colours. JupyterLab keeps its file browser open, as it
opens. Look at every picture after a change to what a widget or a lesson shows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright
from screenshots import THEMES, shoot, steady

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
from tests.browser.waits import animation_frames, wait_until_drawn_at_scale  # noqa: E402

NOTEBOOKS = sorted((ROOT / "examples").glob("0*.ipynb"))
WINDOW = {"width": 1024, "height": 768}  # a projector's classic resolution
COLOURS = 256  # a palette PNG: each picture some 40 KB instead of some 150
# A notebook's first widget: an explorer, a trainer or a comparison (which holds explorers, and
# comes before them in the page).
WIDGET = ".rnnwidget-comparison, .rnnwidget"
FIRST = "canvas[data-panel]"  # what the widget draws first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "lessons"))
    parser.add_argument("--notebooks", nargs="*", default=None, help="only these numbers (01...)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    notebooks = [nb for nb in NOTEBOOKS if not args.notebooks or nb.name[:2] in args.notebooks]
    scale = GEOMETRY.presentation.scale
    with (
        tempfile.TemporaryDirectory() as tmp,
        run_server("lab", Path(tmp)) as server,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            Path(tmp) / "profile",
            env=isolated_environment(Path(tmp) / "home"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=WINDOW,
            device_scale_factor=1,
        )
        for notebook in notebooks:
            nb = NotebookPage(server, server.add_notebook(notebook), context.new_page())
            nb.load()
            steady(nb.page)
            set_presentation_mode(nb.page, True)
            nb.start_run_all()
            widget = nb.page.locator(WIDGET).first
            for theme in THEMES:
                set_theme(nb.page, theme == "light")
                animation_frames(nb.page, 2)  # the redraw in the theme's colours
                wait_until_drawn_at_scale(widget, scale)
                target = out / f"{notebook.name[:2]}-{theme}.png"
                shoot(widget, FIRST, target, COLOURS)
                print(target, f"{target.stat().st_size / 1000:.0f} kB")
            nb.close()  # and its kernel, still training in 06 to 08
        context.close()


if __name__ == "__main__":
    main()
