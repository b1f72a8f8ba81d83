"""Gradient descent for named parameter arrays: SGD, Adam, and gradient-norm clipping.

Parameters and gradients are dicts of arrays keyed by the same names (``"W_hh"``, ...). An
optimizer keeps references to the parameter arrays it was built with and updates them in
place, so a model that reads its own arrays (``rnn.W_hh``) sees every step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Protocol

import numpy as np

from .._checks import finite_float
from ..cells.elman import Array

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "Optimizer",
    "clip_by_global_norm",
    "global_norm",
    "make_optimizer",
]

Params = Mapping[str, Array]
OPTIMIZERS = ("sgd", "adam")


class Optimizer(Protocol):
    """Updates the parameters it was built with, in place, from one set of gradients."""

    learning_rate: float  # the step size; may be changed between steps

    def step(self, grads: Params) -> None: ...


class SGD:
    """Plain stochastic gradient descent: ``theta <- theta - lr * g`` for every parameter.

    Args:
        params: the arrays to update, by name; they are updated in place.
        learning_rate: the step size lr, above 0.
    """

    def __init__(self, params: Params, learning_rate: float) -> None:
        self.params = dict(params)
        self.learning_rate = finite_float("learning_rate", learning_rate, low=0.0, open_low=True)

    def step(self, grads: Params) -> None:
        _check_names(self.params, grads)
        for name, theta in self.params.items():
            theta -= self.learning_rate * grads[name]


class Adam:
    """Adam (Kingma & Ba 2015, Algorithm 1): a step per parameter scaled by running moments.

    For each parameter theta with gradient g, at step t = 1, 2, ...::

        m <- beta1 m + (1 - beta1) g             running mean of g       (starts at 0)
        v <- beta2 v + (1 - beta2) g**2          running mean of g**2    (starts at 0)
        m_hat = m / (1 - beta1**t)               bias corrections: m and v start at 0,
        v_hat = v / (1 - beta2**t)               which would shrink the first steps
        theta <- theta - lr * m_hat / (sqrt(v_hat) + eps)

    Every element moves by about ``lr`` at most, whatever the gradient's scale: on the first
    step ``m_hat / sqrt(v_hat) = g / |g| = sign(g)``.

    Args:
        params: the arrays to update, by name; they are updated in place.
        learning_rate: lr, above 0.
        beta1, beta2: decay rates of the moment estimates, in [0, 1).
        eps: keeps the division finite where v_hat is 0.
    """

    def __init__(
        self,
        params: Params,
        learning_rate: float = 1e-3,
        *,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        self.params = dict(params)
        self.learning_rate = finite_float("learning_rate", learning_rate, low=0.0, open_low=True)
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{name} must be in [0, 1); got {beta!r}")
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.eps = finite_float("eps", eps, low=0.0, open_low=True)
        self.t = 0
        self.m = {name: np.zeros_like(theta) for name, theta in self.params.items()}
        self.v = {name: np.zeros_like(theta) for name, theta in self.params.items()}

    def step(self, grads: Params) -> None:
        _check_names(self.params, grads)
        self.t += 1
        beta1, beta2 = self.beta1, self.beta2
        for name, theta in self.params.items():
            g, m, v = grads[name], self.m[name], self.v[name]
            m *= beta1
            m += (1.0 - beta1) * g
            v *= beta2
            v += (1.0 - beta2) * g**2
            m_hat = m / (1.0 - beta1**self.t)
            v_hat = v / (1.0 - beta2**self.t)
            theta -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)


def global_norm(grads: Params) -> float:
    """``||g|| = sqrt(sum over arrays of sum of squares)``: every gradient as one long vector.

    Each array's norm is taken as ``m sqrt(sum (g/m)**2)`` with ``m = max |g|``, so no square
    overflows, even for gradients near float64's limit (about 1e308) that clipping can still
    bring back; ``math.hypot`` combines the arrays' norms just as carefully.
    """
    norms = []
    for g in grads.values():
        m = float(np.abs(g).max(initial=0.0))
        norms.append(m * math.sqrt(float(np.sum((g / m) ** 2))) if m > 0 else 0.0)
    return math.hypot(*norms)


def clip_by_global_norm(grads: Params, threshold: float) -> tuple[float, bool]:
    """Norm clipping (Pascanu, Mikolov & Bengio 2013, Algorithm 1), in place.

    ``if ||g|| > threshold: g <- threshold * g / ||g||``, with ``||g||`` over every array
    together (:func:`global_norm`), so the step keeps its direction and only its length is
    capped.

    Returns:
        ``(norm, clipped)``: ``||g||`` before clipping, and whether the gradients were scaled.
    """
    threshold = finite_float("threshold", threshold, low=0.0, open_low=True)
    norm = global_norm(grads)
    clipped = norm > threshold
    if clipped:
        for g in grads.values():
            g *= threshold / norm
    return norm, clipped


def _check_names(params: Params, grads: Params) -> None:
    if grads.keys() != params.keys():
        raise ValueError(
            f"grads must have one array per parameter, {sorted(params)}; got {sorted(grads)}"
        )


def make_optimizer(name: str, params: Params, learning_rate: float) -> Optimizer:
    """``"sgd"`` or ``"adam"`` (with Kingma & Ba's default betas and eps) over ``params``."""
    if name == "sgd":
        return SGD(params, learning_rate)
    if name == "adam":
        return Adam(params, learning_rate)
    raise ValueError(f"optimizer must be one of {OPTIMIZERS}; got {name!r}")
