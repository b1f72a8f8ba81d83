"""Each cell against tests/reference.py's written-out cells, forward and backward, in float64;
and the written-out backward passes themselves against finite differences of their forward
passes, so that the reference the cells are held to is right."""

from __future__ import annotations

import numpy as np
import pytest

from rnnwidget import GRU, LSTM, SimpleRNN

from . import reference as ref

KINDS = [SimpleRNN, LSTM, GRU]


def random_case(kind, seed, batch_size=3, timesteps=9, features=3, units=4):
    """Random weights and biases, random initial states, and direct gradients on every state."""
    rng = np.random.default_rng(seed)
    gates = {SimpleRNN: 1, LSTM: 4, GRU: 3}[kind]
    W_xh = rng.normal(0, 0.7, (gates * units, features))
    W_hh = rng.normal(0, 0.7, (gates * units, units))
    biases = [rng.normal(0, 0.5, gates * units) for _ in range(2 if kind is GRU else 1)]
    x = rng.normal(size=(batch_size, timesteps, features))
    states = [rng.uniform(-0.9, 0.9, (batch_size, units))]
    if kind is LSTM:
        states.append(rng.normal(size=(batch_size, units)))
    direct = [rng.normal(size=(batch_size, timesteps, units)) for _ in states]  # dh (, dc)
    return W_xh, W_hh, biases, x, states, direct


def layer(kind, W_xh, W_hh, biases):
    if kind is SimpleRNN:
        return SimpleRNN.from_weights(W_xh, W_hh, *biases, saturation=1.4)
    return kind.from_weights(W_xh, W_hh, *biases)


def reference_backward(kind, W_xh, W_hh, biases, x, states, direct):
    if kind is SimpleRNN:
        return ref.backward(W_xh, W_hh, *biases, x, *states, 1.4, *direct)
    if kind is LSTM:
        return ref.lstm_backward(W_xh, W_hh, *biases, x, *states, *direct)
    return ref.gru_backward(W_xh, W_hh, *biases, x, *states, *direct)


def reference_states(kind, W_xh, W_hh, biases, x, states):
    if kind is SimpleRNN:
        return {"h": ref.hidden_states(W_xh, W_hh, *biases, x, *states, 1.4)}
    if kind is LSTM:
        return dict(zip("hc", ref.lstm_states(W_xh, W_hh, *biases, x, *states)))
    return {"h": ref.gru_states(W_xh, W_hh, *biases, x, *states)}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(4))
def test_every_cell_computes_the_written_out_forward_and_backward(kind, seed):
    W_xh, W_hh, biases, x, states, direct = random_case(kind, seed)
    cell = layer(kind, W_xh, W_hh, biases)
    trace = cell.forward(x, *states)
    for name, expected in reference_states(kind, W_xh, W_hh, biases, x, states).items():
        np.testing.assert_allclose(getattr(trace, name), expected, rtol=1e-12, atol=1e-14)
    grads = cell.backward(trace, *direct)
    expected = reference_backward(kind, W_xh, W_hh, biases, x, states, direct)
    assert set(vars(grads)) == set(vars(expected))
    for name, value in vars(expected).items():
        np.testing.assert_allclose(getattr(grads, name), value, rtol=1e-11, atol=1e-13,
                                   err_msg=name)  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_the_written_out_backward_passes_match_finite_differences(kind):
    W_xh, W_hh, biases, x, states, direct = random_case(kind, 7, batch_size=2, timesteps=5)
    expected = reference_backward(kind, W_xh, W_hh, biases, x, states, direct)
    nudges = [np.zeros_like(d) for d in direct]  # added to h_t (and c_t): the totals

    def loss():
        if kind is SimpleRNN:
            return ref.loss(W_xh, W_hh, *biases, x, *states, 1.4, *direct, *nudges)
        if kind is LSTM:
            return ref.lstm_loss(W_xh, W_hh, *biases, x, *states, *direct, *nudges)
        return ref.gru_loss(W_xh, W_hh, *biases, x, *states, *direct, *nudges)

    bias_names = {SimpleRNN: ["b"], LSTM: ["b"], GRU: ["b_xh", "b_hh"]}[kind]
    state_names = ["h0", "c0"][: len(states)]
    total_names = ["h", "c"][: len(states)]
    fields = [("W_xh", W_xh), ("W_hh", W_hh), *zip(bias_names, biases), ("x", x)]
    fields += [*zip(state_names, states), *zip(total_names, nudges)]
    for name, array in fields:
        numeric = ref.numerical_gradient(loss, array)
        error = ref.relative_error(getattr(expected, name), numeric)
        assert error < 1e-7, f"{kind.__name__} d/d{name}: relative error {error:.2e}"
