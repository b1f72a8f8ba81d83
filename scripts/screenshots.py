"""Look at the widgets as a class does: screenshots in a real JupyterLab, in Debian's Chromium.

    python scripts/screenshots.py [OUT_DIR]

For each window width (720 and 1400 px, and the widths given with ``--widths``), presentation
mode off and on, and the light and the dark theme, it saves a PNG of the explorer, of the
trainer (after a few training steps; learning to write too, ``text``) and of two comparisons
(three W_hh scales, ``comparison``; the three cells, ``cells``) to OUT_DIR (default
``screenshots/``, git-ignored). Open them and look: nothing overlaps, nothing is cut, the text
reads from the back row. Presentation mode is the explorer's ``presentation`` and JupyterLab's
own (View > Presentation Mode), which enlarges the code font of the trainer's text view.
``--kinds text trainer`` takes only the views named.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.jupyter import NotebookPage, isolated_environment, run_server  # noqa: E402

CELLS = [
    "from rnnwidget import RNNExplorer, RNNTrainer\n"
    "w = RNNExplorer(w_hh_scale=0.9, seq_len=120, units=32, input_kind='sentence')\nw",
    "g = RNNExplorer(cell='lstm', seq_len=120, units=32, input_kind='noise')\ng",
    "t = RNNTrainer(lag=20, units=16)\nt.run(60)\nt",
    "x = RNNTrainer(task='text', corpus='python', cell='lstm', units=64, feature='line')\n"
    "x.run(150)\nx",
    "from rnnwidget import compare\n"
    "c = compare(w_hh_scale=[0.5, 1.0, 1.5], seq_len=100, units=16)\nc",
    'cells = compare(cell=["elman", "gru", "lstm"], seq_len=200, units=32, input_kind="noise")\n'
    "cells",
]
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}


def notebook(path: Path) -> Path:
    cells = [
        {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
         "execution_count": None}
        for source in CELLS
    ]  # fmt: skip
    path.write_text(
        json.dumps(
            {
                "cells": cells,
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "screenshots"))
    parser.add_argument("--widths", type=int, nargs="*", default=[720, 1400])
    parser.add_argument("--kinds", nargs="*", default=None, help="only these views")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, run_server("lab", Path(tmp)) as server:
        source = notebook(Path(tmp) / "look.ipynb")
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                Path(tmp) / "profile",
                env=isolated_environment(Path(tmp) / "home"),
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": max(args.widths), "height": 2600},
                device_scale_factor=1,
            )
            nb = NotebookPage(server, server.add_notebook(source), context.new_page())
            nb.load()
            nb.run_all()
            page = nb.page
            # JupyterLab's news toast would sit on top of the pictures.
            page.add_style_tag(content=".Toastify { display: none !important; }")
            # Cells out of sight skip rendering (content-visibility: auto), and the heights they
            # guess meanwhile move a tall view while it is being photographed.
            page.add_style_tag(content=".jp-Cell { content-visibility: visible !important; }")
            for theme, name in THEMES.items():
                page.evaluate(f"window.jupyterapp.commands.execute('apputils:change-theme', "
                              f"{{theme: {json.dumps(name)}}})")  # fmt: skip
                page.wait_for_timeout(1500)
                for width in args.widths:
                    page.set_viewport_size({"width": width, "height": 2600})
                    # The widget's own width is the window's, less JupyterLab's file browser where
                    # the window is wide enough to keep it open.
                    shown = page.locator(".jp-FileBrowser").is_visible()
                    if shown != (width >= 1000):
                        page.evaluate(
                            "window.jupyterapp.commands.execute('filebrowser:toggle-main')"
                        )
                        page.wait_for_timeout(500)
                    for presentation in (False, True):
                        nb.run_code(
                            f"w.presentation = g.presentation = c.presentation = "
                            f"cells.presentation = {presentation}"
                        )
                        lab = page.evaluate(
                            "document.body.classList.contains('jp-mod-presentationMode')"
                        )
                        if lab != presentation:
                            page.evaluate("window.jupyterapp.commands.execute("
                                          "'application:toggle-presentation-mode')")  # fmt: skip
                        page.wait_for_timeout(600)
                        mode = "presentation" if presentation else "normal"
                        views = {
                            "explorer": page.locator(".rnnwidget").nth(0),
                            "lstm": page.locator(".rnnwidget").nth(1),
                            "trainer": page.locator(".rnnwidget-trainer").nth(0),
                            "text": page.locator(".rnnwidget-trainer").nth(1),
                            "comparison": page.locator(".rnnwidget-comparison").nth(0),
                            "cells": page.locator(".rnnwidget-comparison").nth(1),
                        }
                        for kind, view in views.items():
                            if args.kinds and kind not in args.kinds:
                                continue
                            view.evaluate("(el) => el.scrollIntoView({block: 'start'})")
                            page.wait_for_timeout(200)
                            target = out / f"{kind}-{width}-{mode}-{theme}.png"
                            view.screenshot(path=str(target))
                            print(target)
            nb.close()
            context.close()


if __name__ == "__main__":
    main()
