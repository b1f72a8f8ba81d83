"""SimpleRNN: the forward pass against a plain reference, BPTT against finite differences,
Keras's call semantics, the weight initialisation, and the errors bad input gets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnwidget import SimpleRNN, Trace
from rnnwidget.cells.diagnostics import largest_singular_value, spectral_radius

from . import reference as ref

# ---------------------------------------------------------------------------------------------
# Forward pass
# ---------------------------------------------------------------------------------------------


def random_layer(rng, features, units, saturation=1.0):
    return SimpleRNN.from_weights(
        rng.normal(0, 0.6, (units, features)),
        rng.normal(0, 0.6, (units, units)),
        rng.normal(0, 0.3, units),
        saturation=saturation,
    )


def test_forward_matches_the_equations_written_out_one_sequence_at_a_time():
    rng = np.random.default_rng(1)
    rnn = random_layer(rng, features=3, units=5, saturation=1.7)
    x = rng.normal(size=(4, 7, 3))
    h0 = rng.uniform(-1, 1, (4, 5))
    trace = rnn.forward(x, h0)
    expected = ref.hidden_states(rnn.W_xh, rnn.W_hh, rnn.b, x, h0, 1.7)
    np.testing.assert_allclose(trace.h, expected, rtol=1e-12, atol=1e-14)
    h_prev = np.concatenate([h0[:, None], trace.h[:, :-1]], axis=1)
    a = 1.7 * (h_prev @ rnn.W_hh.T + x @ rnn.W_xh.T + rnn.b)
    np.testing.assert_allclose(trace.a, a, rtol=1e-12, atol=1e-14)
    assert trace.a.shape == trace.h.shape == (4, 7, 5)
    np.testing.assert_array_equal(trace.h0, h0)
    np.testing.assert_array_equal(trace.final_state, trace.h[:, -1])


def test_initial_state_defaults_to_zeros():
    rnn = SimpleRNN(2, 3, seed=4)
    x = np.random.default_rng(0).normal(size=(2, 5, 2))
    np.testing.assert_array_equal(rnn.forward(x).h, rnn.forward(x, np.zeros((2, 3))).h)
    assert rnn.forward(x).h0.shape == (2, 3)


def test_the_gain_scales_every_pre_activation():
    rng = np.random.default_rng(2)
    rnn = random_layer(rng, 2, 4, saturation=1.0)
    hot = SimpleRNN.from_weights(rnn.W_xh, rnn.W_hh, rnn.b, saturation=3.0)
    x = rng.normal(size=(1, 1, 2))  # one step from h0 = 0: a = g (W_xh x + b)
    np.testing.assert_allclose(hot.forward(x).a, 3.0 * rnn.forward(x).a)


# ---------------------------------------------------------------------------------------------
# Keras semantics of __call__
# ---------------------------------------------------------------------------------------------


def test_call_returns_the_last_state_by_default():
    rnn = SimpleRNN(3, 6, seed=0)
    x = np.random.default_rng(0).normal(size=(2, 9, 3))
    out = rnn(x)
    assert out.shape == (2, 6)
    np.testing.assert_array_equal(out, rnn.forward(x).h[:, -1])


def test_return_sequences_gives_every_state_for_a_next_layer():
    x = np.random.default_rng(0).normal(size=(2, 9, 3))
    first = SimpleRNN(3, 6, seed=0, return_sequences=True)
    second = SimpleRNN(6, 4, seed=1)
    seq = first(x)
    assert seq.shape == (2, 9, 6)
    np.testing.assert_array_equal(seq[:, -1], SimpleRNN(3, 6, seed=0)(x))
    assert second(seq).shape == (2, 4)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_return_state_adds_the_final_state(return_sequences):
    x = np.random.default_rng(0).normal(size=(2, 9, 3))
    rnn = SimpleRNN(3, 6, seed=0, return_sequences=return_sequences, return_state=True)
    output, state = rnn(x)
    assert state.shape == (2, 6)
    assert output.shape == ((2, 9, 6) if return_sequences else (2, 6))
    np.testing.assert_array_equal(state, rnn.forward(x).h[:, -1])


def test_initial_state_carries_over_between_calls_like_a_stateful_layer():
    """Running a sequence in two halves, the second from the first's final state, gives the
    same states as running it whole: h_0 really is the memory."""
    rnn = SimpleRNN(2, 5, seed=3, return_state=True)
    x = np.random.default_rng(1).normal(size=(1, 10, 2))
    whole, _ = rnn(x)
    _, middle = rnn(x[:, :6])
    second_half, _ = rnn(x[:, 6:], middle)
    np.testing.assert_allclose(second_half, whole, rtol=1e-13)


# ---------------------------------------------------------------------------------------------
# Backpropagation through time against finite differences
# ---------------------------------------------------------------------------------------------


def check_every_gradient(rnn, x, h0, dh):
    """Every field of Grads against central finite differences of L = sum_t <dh_t, h_t>."""
    grads = rnn.backward(rnn.forward(x, h0), dh)
    W_xh, W_hh, b = rnn.W_xh.copy(), rnn.W_hh.copy(), rnn.b.copy()
    x, h0 = x.copy(), h0.copy()
    delta = np.zeros_like(dh)
    g = rnn.saturation

    def loss():
        return ref.loss(W_xh, W_hh, b, x, h0, g, dh, delta)

    for name, array in [("W_xh", W_xh), ("W_hh", W_hh), ("b", b), ("x", x), ("h0", h0)]:
        numeric = ref.numerical_gradient(loss, array)
        error = ref.relative_error(getattr(grads, name), numeric)
        assert error < 1e-6, f"d/d{name}: relative error {error:.2e}"
    # The total dL/dh_t: nudge h_t itself and let the nudge run through the later steps.
    numeric = ref.numerical_gradient(loss, delta)
    error = ref.relative_error(grads.h, numeric)
    assert error < 1e-6, f"total dL/dh_t: relative error {error:.2e}"


@settings(max_examples=60, deadline=None)
@given(
    batch_size=st.integers(1, 3),
    timesteps=st.integers(1, 6),
    features=st.integers(1, 4),
    units=st.integers(1, 5),
    saturation=st.floats(0.2, 3.0),
    w_hh_scale=st.floats(0.0, 1.8),
    zero_h0=st.booleans(),
    last_step_only=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_gradient_matches_finite_differences(
    batch_size, timesteps, features, units, saturation, w_hh_scale, zero_h0, last_step_only, seed
):
    rng = np.random.default_rng(seed)
    rnn = SimpleRNN(features, units, w_hh_scale=w_hh_scale, saturation=saturation, seed=seed)
    rnn.b[:] = rng.normal(0, 0.3, units)  # a nonzero bias, so db is exercised
    x = rng.normal(size=(batch_size, timesteps, features))
    h0 = np.zeros((batch_size, units)) if zero_h0 else rng.uniform(-0.9, 0.9, (batch_size, units))
    dh = rng.normal(size=(batch_size, timesteps, units))
    if last_step_only:
        dh[:, :-1] = 0.0
    check_every_gradient(rnn, x, h0, dh)


def test_stacked_layers_chain_through_the_input_gradient():
    """Layer 1 returns its sequence to layer 2; the loss sits on layer 2's last state.
    g1 = rnn1.backward(t1, g2.x) must be the gradient of that loss w.r.t. layer 1's weights."""
    rng = np.random.default_rng(7)
    rnn1 = random_layer(rng, features=2, units=4, saturation=1.3)
    rnn2 = random_layer(rng, features=4, units=3, saturation=0.8)
    x = rng.normal(size=(2, 5, 2))
    w_out = rng.normal(size=3)

    def stacked_loss():
        h1 = ref.hidden_states(rnn1.W_xh, rnn1.W_hh, rnn1.b, x, np.zeros((2, 4)), 1.3)
        h2 = ref.hidden_states(rnn2.W_xh, rnn2.W_hh, rnn2.b, h1, np.zeros((2, 3)), 0.8)
        return float(h2[:, -1] @ w_out @ np.ones(2))

    t1 = rnn1.forward(x)
    t2 = rnn2.forward(t1.h)
    dh2 = np.zeros((2, 5, 3))
    dh2[:, -1] = w_out
    g2 = rnn2.backward(t2, dh2)
    g1 = rnn1.backward(t1, g2.x)
    for name in ("W_xh", "W_hh", "b"):
        numeric = ref.numerical_gradient(stacked_loss, getattr(rnn1, name))
        assert ref.relative_error(getattr(g1, name), numeric) < 1e-6, name
    numeric = ref.numerical_gradient(stacked_loss, x)
    assert ref.relative_error(g1.x, numeric) < 1e-6


def test_backward_leaves_its_arguments_alone():
    rnn = SimpleRNN(2, 3, seed=0)
    trace = rnn.forward(np.ones((1, 4, 2)))
    dh = np.random.default_rng(0).normal(size=(1, 4, 3))
    h_before, dh_before = trace.h.copy(), dh.copy()
    rnn.backward(trace, dh)
    np.testing.assert_array_equal(trace.h, h_before)
    np.testing.assert_array_equal(dh, dh_before)


def test_backward_refuses_rather_than_returning_infinities_past_float64():
    # Zero input keeps every unit at h = 0, where tanh' = 1: the gradient grows as 3**t.
    rnn = SimpleRNN(2, 8, w_hh_scale=3.0, seed=0)
    trace = rnn.forward(np.zeros((1, 1000, 2)))
    dh = np.zeros((1, 1000, 8))
    dh[:, -1] = 1.0
    with pytest.raises(FloatingPointError, match="log10_gradients"):
        rnn.backward(trace, dh)


# ---------------------------------------------------------------------------------------------
# Weights
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [0.0, 0.5, 1.0, 1.5, 3.0])
@pytest.mark.parametrize("units", [1, 7, 64])
def test_every_singular_value_of_W_hh_equals_the_scale(scale, units):
    rnn = SimpleRNN(3, units, w_hh_scale=scale, seed=units)
    np.testing.assert_allclose(np.linalg.svd(rnn.W_hh, compute_uv=False), scale, atol=1e-12)
    assert spectral_radius(rnn.W_hh) == pytest.approx(scale, abs=1e-12)
    assert largest_singular_value(rnn.W_hh) == pytest.approx(scale, abs=1e-12)
    # Orthogonal times a scale: every eigenvalue lies on the circle of that radius.
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(rnn.W_hh)), scale, atol=1e-10)


def test_glorot_uniform_input_weights_and_zero_bias():
    rnn = SimpleRNN(20, 80, seed=0)
    limit = np.sqrt(6 / (20 + 80))
    assert rnn.W_xh.shape == (80, 20)
    assert np.abs(rnn.W_xh).max() <= limit
    # Uniform on [-limit, limit] has variance limit^2 / 3 (1600 draws: within 10%).
    assert rnn.W_xh.var() == pytest.approx(limit**2 / 3, rel=0.1)
    np.testing.assert_array_equal(rnn.b, np.zeros(80))


def test_the_seed_decides_the_weights():
    a, b, c = SimpleRNN(3, 5, seed=11), SimpleRNN(3, 5, seed=11), SimpleRNN(3, 5, seed=12)
    np.testing.assert_array_equal(a.W_xh, b.W_xh)
    np.testing.assert_array_equal(a.W_hh, b.W_hh)
    assert not np.allclose(a.W_hh, c.W_hh)


def test_scaling_keeps_the_direction_of_W_hh():
    np.testing.assert_allclose(
        SimpleRNN(3, 5, w_hh_scale=2.0, seed=1).W_hh, 2 * SimpleRNN(3, 5, seed=1).W_hh
    )


def test_from_weights_copies_and_reports_sizes():
    W_xh, W_hh, b = np.ones((4, 2)), np.eye(4), np.zeros(4)
    rnn = SimpleRNN.from_weights(W_xh, W_hh, b, saturation=2.0)
    W_hh[0, 0] = 99.0
    assert rnn.W_hh[0, 0] == 1.0
    assert (rnn.features, rnn.units, rnn.saturation) == (2, 4, 2.0)
    assert rnn.W_xh.dtype == np.float64


# ---------------------------------------------------------------------------------------------
# Bad input: a clear ValueError, never a wrong answer
# ---------------------------------------------------------------------------------------------


def test_a_2d_input_is_refused_with_the_fix():
    rnn = SimpleRNN(8, 4)
    with pytest.raises(ValueError, match=r"\(batch_size, timesteps, features\)") as err:
        rnn.forward(np.zeros((200, 8)))
    message = str(err.value)
    assert "(200, 8)" in message
    assert "x[np.newaxis]" in message
    assert "(1, 200, 8)" in message


@pytest.mark.parametrize("shape", [(8,), (1, 2, 3, 8), ()])
def test_other_ranks_are_refused(shape):
    with pytest.raises(ValueError, match=r"3-D.*got shape"):
        SimpleRNN(8, 4).forward(np.zeros(shape))


def test_wrong_feature_count_is_refused():
    with pytest.raises(ValueError, match=r"takes 8 features.*\(1, 5, 3\)"):
        SimpleRNN(8, 4).forward(np.zeros((1, 5, 3)))


@pytest.mark.parametrize("shape", [(1, 0, 8), (0, 5, 8)])
def test_empty_sequences_are_refused(shape):
    with pytest.raises(ValueError, match="at least one"):
        SimpleRNN(8, 4).forward(np.zeros(shape))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input_is_refused_with_its_position(bad):
    x = np.zeros((1, 5, 2))
    x[0, 3, 1] = bad
    with pytest.raises(ValueError, match=r"finite.*\(0, 3, 1\)"):
        SimpleRNN(2, 4).forward(x)


def test_wrong_initial_state_is_refused():
    with pytest.raises(ValueError, match=r"h0 must have shape \(batch_size, units\) = \(2, 4\)"):
        SimpleRNN(2, 4).forward(np.zeros((2, 3, 2)), np.zeros((2, 5)))
    with pytest.raises(ValueError, match="h0 must hold finite"):
        SimpleRNN(2, 4).forward(np.zeros((1, 3, 2)), np.full((1, 4), np.nan))


def test_wrong_output_gradient_is_refused():
    rnn = SimpleRNN(2, 4)
    trace = rnn.forward(np.zeros((1, 3, 2)))
    with pytest.raises(ValueError, match=r"dh must have the shape.*\(1, 3, 4\).*\(1, 4\)"):
        rnn.backward(trace, np.zeros((1, 4)))
    with pytest.raises(ValueError, match="dh must hold finite"):
        rnn.backward(trace, np.full((1, 3, 4), np.inf))
    with pytest.raises(ValueError, match="trace of this layer"):
        SimpleRNN(2, 5).backward(trace, np.zeros((1, 3, 5)))
    with pytest.raises(TypeError, match="Trace"):
        rnn.backward(trace.h, np.zeros((1, 3, 4)))


def test_bad_weights_are_refused():
    with pytest.raises(ValueError, match=r"W_hh must have shape \(units, units\) = \(4, 4\)"):
        SimpleRNN.from_weights(np.ones((4, 2)), np.ones((3, 3)), np.zeros(4))
    with pytest.raises(ValueError, match=r"b must have shape \(units,\) = \(4,\)"):
        SimpleRNN.from_weights(np.ones((4, 2)), np.eye(4), np.zeros(3))
    with pytest.raises(ValueError, match=r"W_xh must have shape \(units, features\)"):
        SimpleRNN.from_weights(np.ones(4), np.eye(4), np.zeros(4))
    with pytest.raises(ValueError, match="W_hh must hold finite"):
        SimpleRNN.from_weights(np.ones((2, 2)), np.full((2, 2), np.nan), np.zeros(2))
    with pytest.raises(ValueError, match="saturation"):
        SimpleRNN.from_weights(np.ones((2, 2)), np.eye(2), np.zeros(2), saturation=0.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"features": 0, "units": 3}, "features must be a positive integer"),
        ({"features": 2, "units": 2.5}, "units must be a positive integer"),
        ({"features": 2, "units": True}, "units must be a positive integer"),
        ({"features": 2, "units": 3, "w_hh_scale": -1.0}, "w_hh_scale"),
        ({"features": 2, "units": 3, "w_hh_scale": float("nan")}, "w_hh_scale"),
        ({"features": 2, "units": 3, "saturation": float("inf")}, "saturation"),
        ({"features": 2, "units": 3, "saturation": "hot"}, "saturation must be a number"),
    ],
)
def test_bad_constructor_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SimpleRNN(**kwargs)


def test_lists_and_integer_arrays_are_accepted_and_never_modified():
    rnn = SimpleRNN(2, 3, seed=0)
    as_list = [[[1, 0], [0, 1], [1, 1]]]
    as_int = np.array(as_list)
    np.testing.assert_array_equal(rnn(as_list), rnn(as_int.astype(float)))
    trace = rnn.forward(as_int)
    trace.x[0, 0, 0] = 42.0  # a trace owns its arrays
    assert as_int[0, 0, 0] == 1
    with pytest.raises(ValueError, match="array of numbers"):
        rnn.forward([[["a", "b"]]])


def test_a_trace_is_a_plain_record():
    trace = SimpleRNN(2, 3).forward(np.zeros((2, 4, 2)))
    assert isinstance(trace, Trace)
    assert (trace.batch_size, trace.timesteps) == (2, 4)
