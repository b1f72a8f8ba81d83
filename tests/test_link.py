"""A setting as a link (js/explorer/link.js), run in Node against the explorer's own knob specs:
the fragment a page writes reads back as the same settings; a part that names no setting, holds
a value the kernel would refuse, repeats a setting or is not valid URL encoding is ignored, in
the kernel's words, while the other parts still apply; the sentence survives its encoding."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import traitlets

from rnnwidget import RNNExplorer

from .node import ROOT, run_script

LINK = (ROOT / "js" / "explorer" / "link.js").as_uri()

SCRIPT = """
import { readFileSync } from "node:fs";
const { readLink, writeLink, ignoredText } = await import(process.argv[1]);
const { specs, calls } = JSON.parse(readFileSync(0, "utf8"));
const out = calls.map(([kind, arg]) => {
  if (kind === "read") {
    const link = readLink(arg, specs);
    return { ...link, text: ignoredText(link.ignored) };
  }
  return writeLink(arg, specs);
});
console.log(JSON.stringify(out));
"""

SPECS = RNNExplorer()._knobs


def run(*calls: tuple[str, Any]) -> list[Any]:
    data = {"specs": SPECS, "calls": calls}
    return run_script(SCRIPT, data, [LINK])  # type: ignore[no-any-return]


def read(fragment: str) -> dict[str, Any]:
    return run(("read", fragment))[0]  # type: ignore[no-any-return]


def kernel_refusal(name: str, value: Any) -> str | None:
    """What the kernel says to ``name = value``, or None if it takes it."""
    try:
        setattr(RNNExplorer(units=2, seq_len=2), name, value)
    except traitlets.TraitError as error:
        return str(error)
    return None


def test_a_written_link_reads_back_as_the_same_settings() -> None:
    sentence = "Ein Hund & 2 Katzen # 100% = ja?"
    w = RNNExplorer(w_hh_scale=1.23, seq_len=200, saturation=0.35, bias=0.7, cell="elman",
                    layers=2, input_kind="sentence", sentence=sentence)  # fmt: skip
    settings = w.config
    fragment = run(("write", settings))[0]
    assert fragment.startswith("cell=elman&w_hh_scale=1.23&seq_len=200&")
    # The view options (colours, held scales) are the reader's, not the link's.
    assert "palette" not in fragment
    assert "hold_scales" not in fragment
    # Nothing in the sentence can end a part or the fragment early.
    assert "Ein%20Hund%20%26%202%20Katzen%20%23%20100%25%20%3D%20ja%3F" in fragment
    link = read("#" + fragment)
    assert link["ignored"] == []
    linked = {spec["name"] for spec in SPECS if spec.get("group") != "view"}
    assert link["values"] == {name: settings[name] for name in linked}
    assert type(link["values"]["layers"]) is int  # a number choice stays a number


@pytest.mark.parametrize(
    ("part", "name", "value"),
    [
        ("w_hh_scale=9", "w_hh_scale", 9),
        ("w_hh_scale=-0.5", "w_hh_scale", -0.5),
        ("seq_len=2.5", "seq_len", 2.5),
        ("seq_len=0", "seq_len", 0),
        ("cell=rnn", "cell", "rnn"),
        ("seed=-1", "seed", -1),
        ("saturation=0.01", "saturation", 0.01),
    ],
)
def test_a_value_the_kernel_refuses_is_ignored_in_its_words(
    part: str, name: str, value: Any
) -> None:
    link = read(f"#seq_len=50&{part}" if name != "seq_len" else f"#{part}&bias=1")
    kept = {"bias": 1} if name == "seq_len" else {"seq_len": 50}
    assert link["values"] == kept  # the other part applies
    refusal = kernel_refusal(name, value)
    assert refusal is not None
    [ignored] = link["ignored"]
    assert ignored["part"] == part
    assert refusal.startswith(ignored["reason"] + ";"), (refusal, ignored["reason"])
    assert link["text"] == f"Ignored {part} in the link: {ignored['reason']}."


@pytest.mark.parametrize("text", ["abc", "1,5", "0x1", "Infinity", "NaN", "", "1e999", " 1"])
def test_what_is_not_a_number_is_ignored(text: str) -> None:
    link = read(f"w_hh_scale={text.replace(' ', '%20')}")
    assert link["values"] == {}
    assert link["ignored"][0]["reason"] == "w_hh_scale must be a number from 0 to 3"


def test_numbers_read_as_the_typed_fields_read_them() -> None:
    link = read("w_hh_scale=1.5e0&saturation=.5&bias=+2&seq_len=1e2")
    assert link == {"values": {"w_hh_scale": 1.5, "saturation": 0.5, "bias": 2, "seq_len": 100},
                    "ignored": [], "text": ""}  # fmt: skip
    for name, value in link["values"].items():
        assert kernel_refusal(name, value) is None


def test_unknown_repeated_and_broken_parts_are_ignored_and_the_rest_applies() -> None:
    link = read("#foo=1&w_hh_scale=1.2&w_hh_scale=2&palette=colorblind&&junk&seq_len=%E0%A4%A")
    assert link["values"] == {"w_hh_scale": 1.2}
    assert link["ignored"] == [
        {"part": "foo=1", "reason": "the explorer has no setting named foo"},
        {"part": "w_hh_scale=2", "reason": "w_hh_scale is set earlier in the link"},
        {"part": "palette=colorblind", "reason": "the explorer has no setting named palette"},
        {"part": "junk", "reason": "a setting is written name=value"},
        {"part": "seq_len=%E0%A4%A", "reason": "it is not valid URL encoding"},
    ]
    assert link["text"].startswith(
        "Ignored foo=1 in the link: the explorer has no setting named foo. Ignored w_hh_scale=2"
    )


def test_an_empty_fragment_asks_for_nothing() -> None:
    for fragment in ("", "#", "#&&"):
        assert read(fragment) == {"values": {}, "ignored": [], "text": ""}


def test_the_sentence_decodes_and_its_length_is_the_kernels() -> None:
    link = read("sentence=The%20cat%20%E2%80%94%20sat%2Bstood%20%26%20left&cell=gru")
    assert link["values"] == {"sentence": "The cat — sat+stood & left", "cell": "gru"}
    long = "a" * 501
    link = read(f"sentence={long}")
    assert link["values"] == {}
    assert kernel_refusal("sentence", long) is not None
    assert link["ignored"][0]["reason"] == "sentence must be at most 500 characters long"
    assert link["ignored"][0]["part"] == "sentence=" + "a" * 48 + "..."


def test_a_toggle_and_a_choice_read_only_their_own_values() -> None:
    link = read("layers=2&input_kind=noise&gate_init=Chrono&layers=3&hold_scales=true")
    assert link["values"] == {"layers": 2, "input_kind": "noise"}
    reason = link["ignored"][0]["reason"]
    assert reason == "gate_init must be one of 'chrono', 'constant'"
    assert str(kernel_refusal("gate_init", "Chrono")).startswith(reason + ";")
    assert link["ignored"][1]["reason"] == "layers is set earlier in the link"
    assert read("layers=3")["ignored"][0]["reason"] == "layers must be one of 1, 2"
    assert kernel_refusal("layers", 3) is not None


REPR_SCRIPT = """
import { readFileSync } from "node:fs";
const { pythonRepr } = await import(process.argv[1]);
const { values } = JSON.parse(readFileSync(0, "utf8"));
console.log(JSON.stringify(values.map(([v, float]) => pythonRepr(v, float))));
"""


def test_the_page_writes_copy_as_code_in_pythons_own_repr() -> None:
    """The page fills the line Copy as code gives (``repr(w)``) with the values it shows:
    each as Python's repr writes it, floats in their shortest exact form."""
    rng = np.random.default_rng(0)
    floats = [
        *np.round(rng.uniform(0, 3, 300), 2),  # a slider's steps
        *rng.uniform(0, 10, 300),  # a preset's search
        *(10.0 ** rng.uniform(-12, 22, 300)),  # past both of repr's switches to exponents
        0.0, 1.0, 3.0, 1e-4, 9.999e-5, 1e16, 9999999999999998.0, 5e-324, 1.7976931348623157e308,
    ]  # fmt: skip
    values = [[float(x), True] for x in floats] + [[200, False], ["lstm", False], [2, False]]
    module = (ROOT / "js" / "explorer" / "python-repr.js").as_uri()
    written = run_script(REPR_SCRIPT, {"values": values}, [module])
    assert written == [repr(value) for value, _ in values]
