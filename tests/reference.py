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


# ---------------------------------------------------------------------------------------------
# The gated cells, as plainly: PyTorch's equations, one sequence and one step at a time
# ---------------------------------------------------------------------------------------------


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def lstm_states(W_xh, W_hh, b, x, h0, c0, delta_h=None, delta_c=None):
    """(h, c), each ``(batch_size, timesteps, units)``, with optional nudges: delta_c[t] is
    added to c_t before h_t reads it, delta_h[t] to h_t."""
    batch_size, timesteps, _ = x.shape
    units = W_hh.shape[1]
    h = np.zeros((batch_size, timesteps, units))
    c = np.zeros((batch_size, timesteps, units))
    for n in range(batch_size):
        h_prev, c_prev = h0[n], c0[n]
        for t in range(timesteps):
            z = W_xh @ x[n, t] + W_hh @ h_prev + b
            i = sigmoid(z[0:units])
            f = sigmoid(z[units : 2 * units])
            g = np.tanh(z[2 * units : 3 * units])
            o = sigmoid(z[3 * units : 4 * units])
            c_t = f * c_prev + i * g
            if delta_c is not None:
                c_t = c_t + delta_c[n, t]
            h_t = o * np.tanh(c_t)
            if delta_h is not None:
                h_t = h_t + delta_h[n, t]
            h[n, t], c[n, t] = h_t, c_t
            h_prev, c_prev = h_t, c_t
    return h, c


def lstm_loss(W_xh, W_hh, b, x, h0, c0, dh, dc, delta_h=None, delta_c=None):
    """L = sum_t <dh_t, h_t> + <dc_t, c_t>: its direct gradients on h_t and c_t are dh and dc."""
    h, c = lstm_states(W_xh, W_hh, b, x, h0, c0, delta_h, delta_c)
    return float(np.sum(dh * h) + np.sum(dc * c))


def gru_states(W_xh, W_hh, b_xh, b_hh, x, h0, delta=None):
    """h ``(batch_size, timesteps, units)``, with an optional nudge delta[t] added to h_t."""
    batch_size, timesteps, _ = x.shape
    units = W_hh.shape[1]
    h = np.zeros((batch_size, timesteps, units))
    for n in range(batch_size):
        h_prev = h0[n]
        for t in range(timesteps):
            ax = W_xh @ x[n, t] + b_xh
            ah = W_hh @ h_prev + b_hh
            r = sigmoid(ax[0:units] + ah[0:units])
            z = sigmoid(ax[units : 2 * units] + ah[units : 2 * units])
            n_t = np.tanh(ax[2 * units :] + r * ah[2 * units :])
            h_t = (1 - z) * n_t + z * h_prev
            if delta is not None:
                h_t = h_t + delta[n, t]
            h[n, t] = h_t
            h_prev = h_t
    return h


def gru_loss(W_xh, W_hh, b_xh, b_hh, x, h0, dh, delta=None):
    return float(np.sum(dh * gru_states(W_xh, W_hh, b_xh, b_hh, x, h0, delta)))
