"""An independent, deliberately plain Elman RNN for the tests to check the package against.

One sequence at a time, column vectors, the lecture's equations written out as they read, and
an optional nudge ``delta[t]`` added to h_t (after tanh) so that finite differences can measure
the *total* derivative dL/dh_t, which no weight perturbation can.
"""

from __future__ import annotations

import numpy as np


def hidden_states(W_xh, W_hh, b, x, h0, saturation, delta=None):
    """h_t = tanh(g (W_hh h_{t-1} + W_xh x_t + b)) (+ delta_t), as ``(batch_size, timesteps,
    units)``."""
    batch_size, timesteps, _ = x.shape
    units = W_hh.shape[0]
    h = np.zeros((batch_size, timesteps, units))
    for n in range(batch_size):
        state = h0[n]
        for t in range(timesteps):
            state = np.tanh(saturation * (W_hh @ state + W_xh @ x[n, t] + b))
            if delta is not None:
                state = state + delta[n, t]
            h[n, t] = state
    return h


def loss(W_xh, W_hh, b, x, h0, saturation, dh, delta=None):
    """A scalar loss whose direct gradient on h_t is exactly dh_t: L = sum_t <dh_t, h_t>."""
    return float(np.sum(dh * hidden_states(W_xh, W_hh, b, x, h0, saturation, delta)))


def numerical_gradient(f, array, eps=1e-4):
    """Central finite differences of the scalar f() with respect to every entry of ``array``,
    which f reads (and which is restored afterwards).

    The five-point stencil (f(-2e) - 8 f(-e) + 8 f(+e) - f(+2e)) / 12e has an error of order
    e**4, so e can be large enough (1e-4) that rounding in f costs only about 1e-12.
    """
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        values = []
        for step in (-2, -1, 1, 2):
            array[index] = saved + step * eps
            values.append(f())
        array[index] = saved
        grad[index] = (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * eps)
    return grad


def relative_error(analytic, numeric, floor=1e-4):
    """``||a - n|| / max(||a|| + ||n||, floor)``: 0 for a perfect match, about 1 for unrelated.

    The floor keeps gradients too small for finite differences to resolve (whose numeric value
    carries rounding of about 1e-12 to 1e-11) from failing a relative test: below a norm of 1e-4
    the test is absolute, an error under 1e-10.
    """
    diff = np.linalg.norm(np.ravel(analytic) - np.ravel(numeric))
    return diff / max(np.linalg.norm(analytic) + np.linalg.norm(numeric), floor)
