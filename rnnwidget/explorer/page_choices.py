"""The discrete choices a standalone page offers with no kernel, and what it needs for each.

A page that ``RNNExplorer.to_html`` writes computes its frames in the browser (``js/twin``):
the continuous knobs (W_hh scale, tanh gain, bias, sequence length) are the twin's, while a
discrete setting (cell, layers, input kind) chooses among weights and inputs only the kernel
makes (:func:`rnnwidget.explorer.twin.given`). The page therefore embeds, for each discrete
choice it offers,

- the twin's given: the network's weights (one entry per cell and layer count, shared by
  every input) and the input (one entry per input kind, shared by every network), the input
  as long as the sequence-length knob reaches, so every length is its first steps;
- a template: the kernel's frame payload at that choice (its layout's words and heights, its
  words, its tokens), without the arrays, which the twin computes.

By default the page offers every input kind with every cell at the page's units, seed, memory
gate start and sentence, and the Elman cell with 1 and 2 layers, within :data:`BUDGET` bytes of
embedded arrays: the page's own choice always, then the others in the order of
:func:`candidates` until the next network would not fit. What is left out is listed, and the
page says so. A trained network's page (``RNNExplorer.from_trainer``) offers no choice: its
weights are not the seeded network's, so its knobs stay the kernel's.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from .._wire import encode_array
from .frame import Network, Params
from .twin import CONTINUOUS, DISCRETE, given, order_given

__all__ = [
    "BUDGET", "Choice", "candidates", "choices_for_page", "code_template", "decode_given",
    "encode", "note",
]  # fmt: skip

#: The most bytes a page spends on the twin's arrays (as base64 text, as they sit in the page):
#: 5 MiB. The default explorer (32 units) needs about 0.2 MiB for every choice; at 256 units,
#: the most the units knob allows, an LSTM alone needs 2.7 MiB, and what does not fit is left
#: out (the page names it).
BUDGET = 5 * 2**20


@dataclass(frozen=True)
class Choice:
    """One setting of the discrete knobs a page offers: a network (cell, layers) and an input."""

    cell: str
    layers: int
    input_kind: str

    @property
    def network(self) -> str:
        """The key of its weights: ``"elman/2"``, ``"lstm/1"``."""
        return f"{self.cell}/{self.layers}"

    @property
    def key(self) -> str:
        """The key of its template: ``"elman/2/noise"``."""
        return f"{self.network}/{self.input_kind}"

    def params(self, page: Params) -> Params:
        """The page's settings at this choice."""
        return replace(page, cell=self.cell, layers=self.layers, input_kind=self.input_kind)


def candidates(page: Params, cells: Iterable[str], input_kinds: Iterable[str]) -> list[Choice]:
    """Every choice a page can offer, in the order it takes them into its budget: the page's
    own network first (with the page's input first), then each other cell with one layer (the
    order of ``cells``), then the Elman cell's other layer count. A gated cell has one layer."""
    kinds = [page.input_kind, *(kind for kind in input_kinds if kind != page.input_kind)]
    own = (page.cell, page.layers if page.cell == "elman" else 1)
    networks = [own]
    networks += [(cell, 1) for cell in cells if (cell, 1) != own]
    networks += [("elman", layers) for layers in (1, 2) if ("elman", layers) not in networks]
    return [Choice(cell, layers, kind) for cell, layers in networks for kind in kinds]


def code_template(code: str, values: Mapping[str, Any], names: Iterable[str]) -> list[Any]:
    """``code``, the constructor call that recreates a view, with the value of each setting in
    ``names`` (``values[name]``, written ``name=repr(value)`` in it) as a ``{"knob": name}``
    the page fills in, the rest as text."""
    template: list[Any] = [code]
    for name in names:
        written = f"{name}={values[name]!r}"
        for i, part in enumerate(template):
            if not isinstance(part, str):
                continue
            # The setting's own text: after "(" or ", ", before "," or ")".
            match = re.search(rf"(?<=[( ]){re.escape(written)}(?=[,)])", part)
            if match:
                value = {"knob": name}
                start, end = match.start() + len(name) + 1, match.end()
                template[i : i + 1] = [part[:start], value, part[end:]]
                break
        else:
            raise ValueError(f"{written} is not in {code!r}")
    return [part for part in template if part != ""]


def choices_for_page(
    page: Params,
    knobs: list[Mapping[str, Any]],
    template: Callable[[Params], Mapping[str, Any]],
    inactive: Callable[[Params], list[str]],
    *,
    network: Network | None = None,
    budget: int = BUDGET,
) -> dict[str, Any]:
    """What the page embeds to offer its discrete choices, JSON-ready but for the arrays
    (float64, as the kernel sends the twin's given: :func:`rnnwidget._wire.encode_array`, which
    the page lifts out as base64):

    - ``timesteps``: the length of every input, the sequence-length knob's maximum;
    - ``inputs``: ``{input_kind: {"x", "timesteps", "features"}}``;
    - ``order``: ``{"sentence": {"x", "dense_output"}}`` with the sentence input, what "Why
      order matters" needs beside the twin's frame: the input of the shuffled words (as long
      as every input), and the order-blind dense model's two outputs, which no knob the page
      turns changes (:class:`.frame.OrderDemo`);
    - ``networks``: ``{"elman/1": {"layers", "unit_radius", ...}}``, the rest of
      :func:`.twin.given`'s;
    - ``templates``: ``{"elman/1/noise": payload}``, ``template(params)``'s payload without
      its arrays, and ``inactive``: ``{"elman/1/noise": [...]}``, the knobs the view hides at
      that choice, ``inactive(params)``;
    - ``offered`` and ``left_out``: the choices held and those the budget left out, as
      ``{"cell", "layers", "input_kind"}``;
    - ``budget`` and ``size``: the bytes allowed and those used (as base64 text);
    - ``discrete``: the settings that choose among the kernel's weights and inputs
      (:data:`.twin.DISCRETE`), and ``chosen_by``: those the page's choices vary (cell,
      layers, input kind); the other discrete settings are the page's own and need a notebook;
    - ``continuous``: the knobs the twin turns (:data:`.twin.CONTINUOUS`);
    - ``note``: what the page's view says about what is live without a kernel
      (:func:`note`);
    - and, once :func:`.page.page_state` adds it, ``code``: the line that recreates the view
      (``repr(w)``) as a template (:func:`code_template`).

    ``knobs`` are the explorer's knob specs (``_knobs``): the cells, the input kinds and the
    longest sequence are read from them. With a trained ``network`` nothing is offered.
    """
    spec = {knob["name"]: knob for knob in knobs}
    timesteps = int(spec["seq_len"]["max"])
    library: dict[str, Any] = {
        "timesteps": timesteps, "inputs": {}, "networks": {}, "templates": {},
        "order": {}, "inactive": {}, "offered": [], "left_out": [], "budget": budget, "size": 0,
        "discrete": list(DISCRETE), "continuous": list(CONTINUOUS),
        "chosen_by": [f.name for f in fields(Choice)], "note": "",
    }  # fmt: skip
    if network is not None:
        library["note"] = note(library, spec)
        return library
    cells = [value for value, _ in spec["cell"]["options"]]
    kinds = [value for value, _ in spec["input_kind"]["options"]]
    made: dict[str, Any] = {}
    order = candidates(page, cells, kinds)
    for choice in order:
        parts = given(choice.params(page), timesteps)
        missing = {
            ("inputs", choice.input_kind): _input_part(parts),
            ("networks", choice.network): _network_part(parts),
        }
        if choice.input_kind == "sentence" and not library["order"]:
            missing["order", "sentence"] = _order_part(page, timesteps)
        new = {key: part for key, part in missing.items() if key[1] not in library[key[0]]}
        cost = sum(_size(part) for part in new.values())
        if choice != order[0] and library["size"] + cost > budget:
            library["left_out"].append(_describe(choice))
            continue
        for (group, key), part in new.items():
            library[group][key] = part
        library["size"] += cost
        library["offered"].append(_describe(choice))
        made[choice.key] = template(choice.params(page))
        library["inactive"][choice.key] = inactive(choice.params(page))
    library["templates"] = {key: _without_arrays(payload) for key, payload in made.items()}
    library["note"] = note(library, spec)
    return library


def note(library: Mapping[str, Any], knobs: Mapping[str, Mapping[str, Any]]) -> str:
    """What a page's view says up front: what is live without a kernel, what needs one."""
    code = "(Copy as code gives the line to run there)"
    if not library["offered"]:
        return (
            "This page has no kernel: hover the pictures to read their numbers; the knobs of a "
            f"trained network need a running notebook {code}."
        )
    offered = {Choice(**c) for c in library["offered"]}
    left_out = [Choice(**c) for c in library["left_out"]]
    names = [name for name, knob in knobs.items() if knob.get("group") == "setting"]
    live = [_lower(knobs[name]["label"]) for name in names if name not in DISCRETE]
    kernel_only = [
        _lower(knobs[name]["label"]) for name in names
        if name in DISCRETE and name not in library["chosen_by"]
    ]  # fmt: skip
    choices = "every choice of cell, layers and input" if not left_out else "the choices it holds"
    text = (
        f"This page computes in your browser, with no kernel: the {_series(live)}, the presets "
        f"and {choices} are live; {_series(kernel_only)} need a running notebook {code}."
    )
    if left_out:
        networks = {c.network for c in offered}
        absent = list(dict.fromkeys(_network_words(c, knobs) for c in left_out
                                    if c.network not in networks))  # fmt: skip
        partial = list(dict.fromkeys(f"{_network_words(c, knobs)} on the "
                                     f"{_lower(_option(knobs, 'input_kind', c.input_kind))} input"
                                     for c in left_out if c.network in networks))  # fmt: skip
        text += (
            f" To stay within {library['budget'] / 2**20:.3g} MiB it leaves out "
            f"{_series(absent + partial)}."
        )
    return text


def _option(knobs: Mapping[str, Mapping[str, Any]], name: str, value: Any) -> str:
    """The label of a choice knob's option, as the view lists it."""
    return next(str(text) for option, text in knobs[name]["options"] if option == value)


def _network_words(choice: Choice, knobs: Mapping[str, Mapping[str, Any]]) -> str:
    words = f"the {_option(knobs, 'cell', choice.cell)} cell"
    return words + (f" with {choice.layers} layers" if choice.layers > 1 else "")


def _lower(label: str) -> str:
    """A knob's label inside a sentence: "Hidden units" as "hidden units", "W_hh" as is."""
    return label if label[1:2].isupper() or label[1:2] == "_" else label[:1].lower() + label[1:]


def _series(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def encode(array: np.ndarray[Any, Any]) -> dict[str, Any]:
    """A float64 array as the page holds it, as the kernel sends the twin's given
    (``{"shape", "dtype": "float64", "buffer"}``, little-endian)."""
    return encode_array(array, "float64")


def decode_given(library: Mapping[str, Any], choice: Choice) -> dict[str, Any]:
    """The given of ``choice`` put back together from a page's library (arrays as bytes or as
    their base64), as :func:`.twin.given` returns it, for tests and tools."""

    def arrays(value: Any) -> Any:
        if isinstance(value, dict) and value.get("dtype") == "float64":
            data = value["buffer"]
            raw = base64.b64decode(data) if isinstance(data, str) else bytes(data)
            return np.frombuffer(raw, dtype="<f8").reshape(value["shape"])
        if isinstance(value, dict):
            return {key: arrays(item) for key, item in value.items()}
        if isinstance(value, list):
            return [arrays(item) for item in value]
        return value

    made = {**library["inputs"][choice.input_kind], **library["networks"][choice.network]}
    return arrays(made)  # type: ignore[no-any-return]


def _order_part(page: Params, timesteps: int) -> dict[str, Any]:
    return {name: encode(array) for name, array in order_given(page, timesteps).items()}


#: The parts of a given that depend on the input alone; the rest is the network's.
_INPUT_PARTS = ("x", "timesteps", "features")


def _input_part(parts: dict[str, Any]) -> dict[str, Any]:
    return {name: _encoded(parts[name]) for name in _INPUT_PARTS}


def _network_part(parts: dict[str, Any]) -> dict[str, Any]:
    return {name: _encoded(value) for name, value in parts.items() if name not in _INPUT_PARTS}


def _encoded(value: Any) -> Any:
    """``value`` with every array in it as :func:`encode` writes it."""
    if isinstance(value, np.ndarray):
        return encode(value)
    if isinstance(value, dict):
        return {name: _encoded(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_encoded(item) for item in value]
    return value


def _size(part: Any) -> int:
    """The bytes ``part``'s arrays take in the page, as base64 text."""
    if isinstance(part, dict) and part.get("dtype") == "float64":
        return 4 * -(-int(part["buffer"].nbytes) // 3)
    if isinstance(part, dict):
        return sum(_size(item) for item in part.values())
    if isinstance(part, list):
        return sum(_size(item) for item in part)
    return 0


def _describe(choice: Choice) -> dict[str, Any]:
    return {"cell": choice.cell, "layers": choice.layers, "input_kind": choice.input_kind}


def _without_arrays(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A frame payload as a template: everything but the arrays the twin computes."""
    return {key: value for key, value in payload.items() if key != "arrays"}
