"""Independent, deliberately plain Elman, LSTM and GRU cells for the tests to check the package
against: forward passes and backpropagation through time.

One sequence and one step at a time, column vectors, the equations written out as they read
(PyTorch's for the gated cells), no speed tricks. The forward passes take an optional nudge
``delta[t]`` added to h_t (after the nonlinearity; ``delta_c`` to the LSTM's c_t) so that finite
differences can measure the *total* derivative dL/dh_t, which no weight perturbation can. The
backward passes return every gradient the cells' ``backward`` returns, by the same names, for
the loss whose direct gradients are ``dh`` (and ``dc``): ``L = sum_t <dh_t, h_t> (+ <dc_t, c_t>)``.
"""

from __future__ import annotations

from types import SimpleNamespace

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


def backward(W_xh, W_hh, b, x, h0, saturation, dh):
    """BPTT through h_t = tanh(g (W_hh h_{t-1} + W_xh x_t + b)), one sequence at a time:
    W_xh, W_hh, b, x, h0 and the total dL/dh_t as ``h``."""
    batch_size, timesteps, _ = x.shape
    h = hidden_states(W_xh, W_hh, b, x, h0, saturation)
    grads = _zeros(W_xh=W_xh, W_hh=W_hh, b=b, x=x, h0=h0, h=h)
    for n in range(batch_size):
        dh_next = np.zeros(W_hh.shape[0])  # what h_{t+1} passes back to h_t
        for t in reversed(range(timesteps)):
            h_prev = h0[n] if t == 0 else h[n, t - 1]
            dh_t = dh[n, t] + dh_next
            a = saturation * (W_hh @ h_prev + W_xh @ x[n, t] + b)
            dz = saturation * (1 - np.tanh(a) ** 2) * dh_t  # z = W_hh h + W_xh x + b
            grads.W_xh += np.outer(dz, x[n, t])
            grads.W_hh += np.outer(dz, h_prev)
            grads.b += dz
            grads.x[n, t] = W_xh.T @ dz
            grads.h[n, t] = dh_t
            dh_next = W_hh.T @ dz
        grads.h0[n] = dh_next
    return grads


def _zeros(**arrays):
    return SimpleNamespace(**{name: np.zeros_like(a, dtype=float) for name, a in arrays.items()})


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


def lstm_step(W_xh, W_hh, b, x_t, h_prev, c_prev):
    """One LSTM step: (i, f, g, o, c_t) for one sequence."""
    units = W_hh.shape[1]
    z = W_xh @ x_t + W_hh @ h_prev + b
    i = sigmoid(z[0:units])
    f = sigmoid(z[units : 2 * units])
    g = np.tanh(z[2 * units : 3 * units])
    o = sigmoid(z[3 * units : 4 * units])
    return i, f, g, o, f * c_prev + i * g


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
            _, _, _, o, c_t = lstm_step(W_xh, W_hh, b, x[n, t], h_prev, c_prev)
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


def lstm_backward(W_xh, W_hh, b, x, h0, c0, dh, dc):
    """BPTT through the LSTM's equations, one sequence at a time: W_xh, W_hh, b, x, h0, c0 and
    the totals dL/dh_t, dL/dc_t as ``h``, ``c``."""
    batch_size, timesteps, _ = x.shape
    h, c = lstm_states(W_xh, W_hh, b, x, h0, c0)
    grads = _zeros(W_xh=W_xh, W_hh=W_hh, b=b, x=x, h0=h0, c0=c0, h=h, c=c)
    for n in range(batch_size):
        dh_next = np.zeros(W_hh.shape[1])  # what step t+1 passes back to h_t
        dc_next = np.zeros(W_hh.shape[1])  # ... and to c_t
        for t in reversed(range(timesteps)):
            h_prev = h0[n] if t == 0 else h[n, t - 1]
            c_prev = c0[n] if t == 0 else c[n, t - 1]
            i, f, g, o, c_t = lstm_step(W_xh, W_hh, b, x[n, t], h_prev, c_prev)
            dh_t = dh[n, t] + dh_next
            dc_t = dc[n, t] + dc_next + dh_t * o * (1 - np.tanh(c_t) ** 2)  # h = o tanh(c)
            do = dh_t * np.tanh(c_t)
            di, df, dg = dc_t * g, dc_t * c_prev, dc_t * i  # c = f c_prev + i g
            dz = np.concatenate([di * i * (1 - i), df * f * (1 - f), dg * (1 - g**2),
                                 do * o * (1 - o)])  # fmt: skip
            grads.W_xh += np.outer(dz, x[n, t])
            grads.W_hh += np.outer(dz, h_prev)
            grads.b += dz
            grads.x[n, t] = W_xh.T @ dz
            grads.h[n, t], grads.c[n, t] = dh_t, dc_t
            dh_next, dc_next = W_hh.T @ dz, f * dc_t
        grads.h0[n], grads.c0[n] = dh_next, dc_next
    return grads


def gru_step(W_xh, W_hh, b_xh, b_hh, x_t, h_prev):
    """One GRU step: (r, z, n, ah_n, h_t) for one sequence."""
    units = W_hh.shape[1]
    ax = W_xh @ x_t + b_xh
    ah = W_hh @ h_prev + b_hh
    r = sigmoid(ax[0:units] + ah[0:units])
    z = sigmoid(ax[units : 2 * units] + ah[units : 2 * units])
    n = np.tanh(ax[2 * units :] + r * ah[2 * units :])
    return r, z, n, ah[2 * units :], (1 - z) * n + z * h_prev


def gru_states(W_xh, W_hh, b_xh, b_hh, x, h0, delta=None):
    """h ``(batch_size, timesteps, units)``, with an optional nudge delta[t] added to h_t."""
    batch_size, timesteps, _ = x.shape
    units = W_hh.shape[1]
    h = np.zeros((batch_size, timesteps, units))
    for n in range(batch_size):
        h_prev = h0[n]
        for t in range(timesteps):
            *_, h_t = gru_step(W_xh, W_hh, b_xh, b_hh, x[n, t], h_prev)
            if delta is not None:
                h_t = h_t + delta[n, t]
            h[n, t] = h_t
            h_prev = h_t
    return h


def gru_loss(W_xh, W_hh, b_xh, b_hh, x, h0, dh, delta=None):
    return float(np.sum(dh * gru_states(W_xh, W_hh, b_xh, b_hh, x, h0, delta)))


def gru_backward(W_xh, W_hh, b_xh, b_hh, x, h0, dh):
    """BPTT through the GRU's equations, one sequence at a time: W_xh, W_hh, b_xh, b_hh, x, h0
    and the total dL/dh_t as ``h``."""
    batch_size, timesteps, _ = x.shape
    h = gru_states(W_xh, W_hh, b_xh, b_hh, x, h0)
    grads = _zeros(W_xh=W_xh, W_hh=W_hh, b_xh=b_xh, b_hh=b_hh, x=x, h0=h0, h=h)
    for m in range(batch_size):
        dh_next = np.zeros(W_hh.shape[1])  # what step t+1 passes back to h_t
        for t in reversed(range(timesteps)):
            h_prev = h0[m] if t == 0 else h[m, t - 1]
            r, z, n, ah_n, _ = gru_step(W_xh, W_hh, b_xh, b_hh, x[m, t], h_prev)
            dh_t = dh[m, t] + dh_next
            dn, dz, dh_prev = (1 - z) * dh_t, (h_prev - n) * dh_t, z * dh_t  # h = (1-z) n + z h
            dan = (1 - n**2) * dn  # n = tanh(ax_n + r ah_n)
            dar = r * (1 - r) * ah_n * dan
            daz = z * (1 - z) * dz
            dax = np.concatenate([dar, daz, dan])
            dah = np.concatenate([dar, daz, r * dan])
            grads.W_xh += np.outer(dax, x[m, t])
            grads.b_xh += dax
            grads.W_hh += np.outer(dah, h_prev)
            grads.b_hh += dah
            grads.x[m, t] = W_xh.T @ dax
            grads.h[m, t] = dh_t
            dh_next = dh_prev + W_hh.T @ dah
        grads.h0[m] = dh_next
    return grads
