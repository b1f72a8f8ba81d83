"""Trained layers from PyTorch and Keras as numpy cells, to look inside with the explorer.

Neither library is imported here: the layers are read through their documented attributes, so
``import rnnwidget`` never pays for (or needs) either.

- :func:`from_torch`: ``nn.RNN`` (tanh), ``nn.LSTM``, ``nn.GRU``; one layer, one direction.
  Their weights are ours already (``weight_ih_l0`` is ``W_xh``); an LSTM's two biases add up.
- :func:`from_keras`: ``SimpleRNN``, ``LSTM``, ``GRU`` (``reset_after=True``). Keras stores
  kernels transposed, ``(features, gates*units)``; its LSTM gates are i, f, c, o (PyTorch's i,
  f, g, o) and its GRU gates z, r, h, reordered here to r, z, n.

The numpy cells always take ``(batch_size, timesteps, features)``, whatever ``batch_first``
said: PyTorch's ``batch_first`` only changes the order of its own tensors, not the weights.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import Array
from .elman import SimpleRNN
from .gru import GRU
from .lstm import LSTM

__all__ = ["from_keras", "from_torch"]

Cell = SimpleRNN | LSTM | GRU


def from_torch(module: Any, *, return_sequences: bool = False, return_state: bool = False) -> Cell:
    """The numpy cell with the weights of a PyTorch ``nn.RNN``, ``nn.LSTM`` or ``nn.GRU``.

    Args:
        module: a single-layer, unidirectional module (``batch_first`` either way); an
            ``nn.RNN`` must use ``nonlinearity="tanh"`` and an ``nn.LSTM`` no ``proj_size``.
        return_sequences, return_state: Keras's call semantics for the numpy cell (PyTorch
            returns every state and the final ones: ``return_sequences=True,
            return_state=True`` is the closest).

    Raises:
        ValueError: for any other module or configuration, saying which.
    """
    kind = type(module).__name__
    if kind not in ("RNN", "LSTM", "GRU"):
        raise ValueError(f"from_torch reads torch.nn.RNN, LSTM or GRU; got {kind}")
    if getattr(module, "num_layers", 1) != 1:
        raise ValueError(
            f"from_torch reads single-layer modules; this {kind} has num_layers="
            f"{module.num_layers}: stack one numpy cell per layer"
        )
    if getattr(module, "bidirectional", False):
        raise ValueError(f"from_torch reads unidirectional modules; this {kind} is bidirectional")
    if kind == "RNN" and getattr(module, "nonlinearity", "tanh") != "tanh":
        raise ValueError(
            f"from_torch reads nn.RNN with nonlinearity='tanh' (the Elman cell here); got "
            f"{module.nonlinearity!r}"
        )
    if kind == "LSTM" and getattr(module, "proj_size", 0) != 0:
        raise ValueError(f"from_torch reads nn.LSTM without proj_size; got {module.proj_size}")

    def weight(name: str) -> Array:
        return np.array(getattr(module, name).detach().cpu().double().numpy())

    W_xh, W_hh = weight("weight_ih_l0"), weight("weight_hh_l0")
    if getattr(module, "bias", True):
        b_xh, b_hh = weight("bias_ih_l0"), weight("bias_hh_l0")
    else:
        b_xh = b_hh = np.zeros(W_xh.shape[0])
    keras = {"return_sequences": return_sequences, "return_state": return_state}
    if kind == "RNN":
        return SimpleRNN.from_weights(W_xh, W_hh, b_xh + b_hh, **keras)
    if kind == "LSTM":
        return LSTM.from_weights(W_xh, W_hh, b_xh + b_hh, **keras)
    return GRU.from_weights(W_xh, W_hh, b_xh, b_hh, **keras)


def from_keras(layer: Any) -> Cell:
    """The numpy cell with the weights and call semantics of a Keras ``SimpleRNN``, ``LSTM`` or
    ``GRU`` layer (built, so that it has weights).

    ``return_sequences`` and ``return_state`` come from the layer. Refused with a ValueError:
    a GRU with ``reset_after=False`` (a different equation: r multiplies h before W_hh), layers
    running backwards, and activations other than tanh (sigmoid for the gates).
    """
    kind = type(layer).__name__
    if kind not in ("SimpleRNN", "LSTM", "GRU"):
        raise ValueError(f"from_keras reads keras.layers.SimpleRNN, LSTM or GRU; got {kind}")
    if getattr(layer, "go_backwards", False):
        raise ValueError(f"from_keras reads layers that run forwards; this {kind} goes backwards")
    _check_activation(layer, "activation", "tanh")
    if kind != "SimpleRNN":
        _check_activation(layer, "recurrent_activation", "sigmoid")
    if kind == "GRU" and not getattr(layer, "reset_after", True):
        raise ValueError(
            "from_keras reads GRU layers with reset_after=True (Keras's default, PyTorch's "
            "equation); reset_after=False applies r before W_hh, a different cell"
        )
    weights = [np.array(w, dtype=np.float64) for w in layer.get_weights()]
    if len(weights) not in (2, 3):
        raise ValueError(
            f"from_keras expects [kernel, recurrent_kernel(, bias)] from {kind}.get_weights(); "
            f"got {len(weights)} arrays (is the layer built?)"
        )
    kernel, recurrent_kernel = weights[0], weights[1]
    units = recurrent_kernel.shape[0]
    keras = {
        "return_sequences": bool(getattr(layer, "return_sequences", False)),
        "return_state": bool(getattr(layer, "return_state", False)),
    }
    if kind == "SimpleRNN":
        b = weights[2] if len(weights) == 3 else np.zeros(units)
        return SimpleRNN.from_weights(kernel.T, recurrent_kernel.T, b, **keras)
    if kind == "LSTM":  # i, f, c, o: PyTorch's i, f, g, o
        b = weights[2] if len(weights) == 3 else np.zeros(4 * units)
        return LSTM.from_weights(kernel.T, recurrent_kernel.T, b, **keras)
    # GRU: Keras's z, r, h blocks to PyTorch's r, z, n; with reset_after the bias is (2, 3*units),
    # the input's in row 0 and the recurrent one's in row 1.
    if kernel.ndim != 2 or kernel.shape[1] != 3 * units:
        raise ValueError(
            f"from_keras expects a GRU kernel of shape (features, 3*units) = (features, "
            f"{3 * units}); got {kernel.shape}"
        )
    bias = weights[2] if len(weights) == 3 else np.zeros((2, 3 * units))
    if bias.shape != (2, 3 * units):
        raise ValueError(
            f"from_keras expects a GRU bias of shape (2, 3*units) = {(2, 3 * units)} "
            f"(reset_after=True); got {bias.shape}"
        )
    z, r, h = np.arange(units), np.arange(units, 2 * units), np.arange(2 * units, 3 * units)
    order = np.concatenate([r, z, h])
    return GRU.from_weights(
        kernel.T[order], recurrent_kernel.T[order], bias[0, order], bias[1, order], **keras
    )


def _check_activation(layer: Any, attribute: str, expected: str) -> None:
    """Keras stores activations as functions; read their names where the layer has one."""
    function = getattr(layer, attribute, None)
    if function is None:
        return
    name = function if isinstance(function, str) else getattr(function, "__name__", "")
    if name != expected:
        raise ValueError(f"from_keras reads layers with {attribute}={expected!r}; got {name!r}")
