"""What the browser twin of the explorer's numbers (``js/twin``) is given: the weights and the
input the kernel makes for one choice of the discrete settings (cell, units, seed, input kind,
sentence, layers, gate_init). The twin turns the continuous knobs itself (the Elman cell's W_hh
scale, tanh gain and bias, and the sequence length up to the input given), so one
:func:`given` serves every position of those knobs.

The arrays are float64, as the kernel computes with them: ``tests/test_twin.py`` holds the
twin's frame for them equal to :func:`~rnnwidget.explorer.frame.compute_frame`'s.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

import numpy as np

from .._version import __version__
from ..cells.gru import GRU
from ..cells.inputs import make_input
from .frame import (
    FEATURES,
    Params,
    _unit_scale_layer,
    _unit_scale_radius,
    bias_signs,
    compute_frame,
)

__all__ = ["CONTINUOUS", "DISCRETE", "given", "order_given"]

#: The settings that choose among the weights and inputs the kernel makes; the twin turns the
#: others.
DISCRETE = ("cell", "units", "seed", "input_kind", "sentence", "layers", "gate_init")

#: The knobs the twin turns itself, from one given: every other setting (the W_hh scale, the
#: sequence length, the tanh gain and the bias). A view draws a change of only these before
#: the kernel answers; the kernel sends the list with the given.
CONTINUOUS = tuple(field.name for field in fields(Params) if field.name not in DISCRETE)


def given(params: Params, timesteps: int) -> dict[str, Any]:
    """The twin's weights and input for the discrete settings of ``params`` (its continuous
    knobs are ignored), the input ``timesteps`` long (every shorter sequence is its first
    steps), as ``js/twin/frame.js``'s ``Given`` names them:

    - ``x``: the input, ``(timesteps, FEATURES)``;
    - ``layers``: input layer first. The Elman cell's one or two layers hold ``W_xh``, ``W_hh``
      at W_hh scale 1 and ``bias_signs`` (``b = bias * bias_signs``); a gated cell's one layer
      holds ``W_xh``, ``W_hh`` and ``b`` (LSTM) or ``b_xh`` and ``b_hh`` (GRU), as used;
    - ``unit_radius``: the Elman cell's rho(W_hh) at scale 1 (the spectral radius at scale s is
      s times it, as :attr:`Frame.spectral_radius` computes it), else None;
    - ``version``: the package's, which the caption names (``js/twin/words.js``).
    """
    x = make_input(params.input_kind, timesteps, FEATURES, seed=params.seed, text=params.sentence)
    layers: list[dict[str, Any]]
    if params.cell == "elman":
        layers = []
        for depth in range(params.layers):
            base = _unit_scale_layer(params.units, depth, params.seed)
            signs = bias_signs(params.units, depth, params.seed)
            layers.append(_weights(base) | {"bias_signs": np.asarray(signs)})
        radius: float | None = _unit_scale_radius(params.units, params.seed)
    else:
        model = compute_frame(replace(params, seq_len=1)).model
        layers, radius = [_weights(model)], None
    return {
        "x": x[0],
        "timesteps": timesteps,
        "features": FEATURES,
        "layers": layers,
        "unit_radius": radius,
        "version": __version__,
    }


def _weights(model: Any) -> dict[str, Any]:
    names = ("W_xh", "W_hh", "b_xh", "b_hh") if isinstance(model, GRU) else ("W_xh", "W_hh", "b")
    arrays = {name: np.asarray(getattr(model, name), dtype=np.float64) for name in names}
    return arrays | {"units": model.units, "features": model.features}


def order_given(params: Params, timesteps: int) -> dict[str, Any]:
    """What "Why order matters" adds to the twin's given for the sentence input
    (``js/explorer/page-order.js`` runs it): ``x``, the shuffled words' input, ``(timesteps,
    FEATURES)``, and ``dense_output``, the order-blind dense model's outputs for the sentence
    and its shuffle, ``(2, units)``. Both depend on the seed, the units and the sentence alone,
    so no knob the twin turns changes them."""
    demo = compute_frame(replace(params, input_kind="sentence", cell="elman", seq_len=1)).order
    assert demo is not None
    text = " ".join(demo.shuffled)
    x = make_input("sentence", timesteps, FEATURES, seed=params.seed, text=text)
    return {"x": x[0], "dense_output": np.asarray(demo.dense_output, dtype=np.float64)}
