"""The discrete choices a standalone page holds for the browser's twin: every offered choice's
weights and input are :func:`rnnwidget.explorer.twin.given`'s bit for bit, read back from the
page as the browser reads it; the page stays within its stated budget and says what it left
out; a trained network's page offers nothing."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rnnwidget import RNNExplorer
from rnnwidget.cells.inputs import INPUT_KINDS, make_input
from rnnwidget.explorer import page as html
from rnnwidget.explorer import twin
from rnnwidget.explorer.frame import CELLS, FEATURES, compute_frame
from rnnwidget.explorer.page_choices import BUDGET, Choice, candidates, decode_given
from rnnwidget.explorer.widget import frame_payload
from rnnwidget.training import Trainer

EVERY_CHOICE = {
    *(Choice(cell, 1, kind) for cell in CELLS for kind in INPUT_KINDS),
    *(Choice("elman", 2, kind) for kind in INPUT_KINDS),
}


def embedded(path: Path) -> dict[str, Any]:
    """The page's JSON with every buffer put back at its path, as static-model.js does."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="rnnwidget-state">(.*?)</script>', text)
    assert match, "no embedded state"
    page = json.loads(match.group(1))
    for buffer in page["buffers"]:
        *parents, last = buffer["path"]
        container = page
        for key in parents:
            container = container[key]
        assert last not in container or isinstance(container, list)
        container[last] = base64.b64decode(buffer["data"])
    return page


def choices_of(library: dict[str, Any], name: str) -> set[Choice]:
    return {Choice(**choice) for choice in library[name]}


def base64_bytes(page: Path) -> int:
    """The base64 text of the page's choice arrays, counted in the page itself."""
    text = page.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="rnnwidget-state">(.*?)</script>', text)
    assert match
    buffers = json.loads(match.group(1))["buffers"]
    return sum(len(b["data"]) for b in buffers if b["path"][0] == "choices")


def assert_bit_for_bit(made: Any, expected: Any, where: str = "given") -> None:
    if isinstance(expected, np.ndarray):
        assert isinstance(made, np.ndarray), where
        assert made.shape == expected.shape, where
        assert made.dtype == np.float64, where
        assert made.tobytes() == expected.astype("<f8").tobytes(), where
    elif isinstance(expected, dict):
        assert made.keys() == expected.keys(), where
        for key in expected:
            assert_bit_for_bit(made[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(made) == len(expected), where
        for i, (a, b) in enumerate(zip(made, expected, strict=True)):
            assert_bit_for_bit(a, b, f"{where}[{i}]")
    else:
        assert made == expected, where


def test_the_default_page_offers_every_input_with_every_cell(tmp_path: Path) -> None:
    w = RNNExplorer(w_hh_scale=1.1, seq_len=120, input_kind="sine", seed=4)
    path = w.to_html(tmp_path / "lesson.html")
    library = embedded(path)["choices"]
    assert choices_of(library, "offered") == EVERY_CHOICE
    assert library["left_out"] == []
    timesteps = next(knob["max"] for knob in w._knobs if knob["name"] == "seq_len")
    assert library["timesteps"] == timesteps == 1000
    # Every choice's given, as the browser puts it together, is the kernel's, bit for bit.
    for choice in EVERY_CHOICE:
        made = decode_given(library, choice)
        assert_bit_for_bit(made, twin.given(choice.params(w.params), timesteps), str(choice))
    assert library["budget"] == BUDGET
    assert library["size"] == base64_bytes(path) <= BUDGET
    assert path.stat().st_size < 1 * 2**20  # the default lesson stays a small page
    assert library["note"].startswith(
        "This page computes in your browser, with no kernel: the W_hh scale, sequence length, "
        "tanh gain and bias, the presets and every choice of cell, layers and input are live; "
        "memory gate init, hidden units, seed and sentence need a running notebook"
    )


def test_each_template_is_the_kernels_payload_at_that_choice(tmp_path: Path) -> None:
    w = RNNExplorer(w_hh_scale=0.9, seq_len=40, units=8, input_kind="sentence", sentence="a b c")
    library = embedded(w.to_html(tmp_path / "lesson.html"))["choices"]
    assert set(library["templates"]) == {choice.key for choice in EVERY_CHOICE}
    for choice in EVERY_CHOICE:
        payload = frame_payload(compute_frame(choice.params(w.params)), 0)
        expected = {key: value for key, value in payload.items() if key != "arrays"}
        assert library["templates"][choice.key] == json.loads(json.dumps(expected)), choice
        settings = choice.params(w.params).as_dict()
        assert library["inactive"][choice.key] == RNNExplorer(**settings)._inactive, choice
    sentence = library["templates"]["lstm/1/sentence"]
    assert sentence["tokens"] == ["a", "b", "c"]
    assert sentence["params"]["cell"] == "lstm"
    # "Why order matters": the shuffled words' input and the dense model's outputs, float64.
    demo = compute_frame(Choice("gru", 1, "sentence").params(w.params)).order
    assert demo is not None
    assert sentence["order"]["shuffled"] == list(demo.shuffled)
    shuffled = make_input("sentence", 1000, FEATURES, seed=w.seed, text=" ".join(demo.shuffled))
    order = decode_given({**library, "inputs": {"sentence": library["order"]["sentence"]}},
                         Choice("gru", 1, "sentence"))  # fmt: skip
    assert_bit_for_bit(order["x"], shuffled[0], "order.x")
    assert_bit_for_bit(order["dense_output"], demo.dense_output, "order.dense_output")


def test_the_budget_keeps_the_pages_own_choice_first(tmp_path: Path) -> None:
    w = RNNExplorer(units=256, cell="lstm", input_kind="noise", seq_len=50)
    path = w.to_html(tmp_path / "lesson.html")
    library = embedded(path)["choices"]
    offered, left_out = choices_of(library, "offered"), choices_of(library, "left_out")
    assert offered | left_out == EVERY_CHOICE
    assert not offered & left_out
    assert {Choice("lstm", 1, kind) for kind in INPUT_KINDS} <= offered
    assert left_out, "an LSTM, a GRU and two Elman layers at 256 units exceed the budget"
    assert library["size"] == base64_bytes(path) <= BUDGET
    # What is left out would not have fitted: its network's weights pass the budget.
    for choice in left_out:
        weights = twin.given(choice.params(w.params), 1)["layers"]
        extra = sum(4 * -(-a.nbytes // 3) for layer in weights for a in layer.values()
                    if isinstance(a, np.ndarray))  # fmt: skip
        assert library["size"] + extra > BUDGET, choice
    assert path.stat().st_size < BUDGET + 2**20
    # The page says what it holds and what it left out.
    assert "the choices it holds are live" in library["note"]
    assert library["note"].endswith(
        "To stay within 5 MiB it leaves out the GRU cell and the Elman (SimpleRNN) cell with 2 "
        "layers."
    )
    assert {(c.cell, c.layers) for c in left_out} == {("gru", 1), ("elman", 2)}


def test_a_page_with_no_budget_holds_only_its_own_choice() -> None:
    w = RNNExplorer(units=6, seq_len=20, cell="gru", input_kind="sine")
    library = html.page_state(w, budget=0)["choices"]
    assert choices_of(library, "offered") == {Choice("gru", 1, "sine")}
    assert choices_of(library, "left_out") == EVERY_CHOICE - {Choice("gru", 1, "sine")}
    assert list(library["inputs"]) == ["sine"]
    assert list(library["networks"]) == ["gru/1"]


def test_candidates_take_the_pages_network_and_input_first() -> None:
    params = RNNExplorer(cell="elman", layers=2, input_kind="noise", units=4).params
    order = candidates(params, CELLS, INPUT_KINDS)
    assert order[0] == Choice("elman", 2, "noise")
    assert [c.network for c in order[: len(INPUT_KINDS)]] == ["elman/2"] * len(INPUT_KINDS)
    assert set(order) == EVERY_CHOICE
    assert len(order) == len(EVERY_CHOICE)


def test_a_trained_networks_page_offers_no_choice() -> None:
    trainer = Trainer("recall", lag=5, units=4, batch_size=2)
    w = RNNExplorer.from_trainer(trainer)
    library = html.page_state(w)["choices"]
    assert library["offered"] == []
    assert library["inputs"] == {}
    assert library["networks"] == {}


@pytest.mark.parametrize("budget", [-1, 0])
def test_the_page_reports_its_size_against_the_budget(budget: int) -> None:
    library = html.page_state(RNNExplorer(units=4, seq_len=10), budget=budget)["choices"]
    assert library["budget"] == budget
    assert library["size"] > 0  # the page's own choice, whatever the budget
