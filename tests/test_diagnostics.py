"""Diagnostics: each against a direct computation, and the log-space ones at magnitudes no
float64 can hold."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from rnnwidget import SimpleRNN
from rnnwidget.cells import diagnostics as diag


def last_step_loss(trace):
    dh = np.zeros_like(trace.h)
    dh[:, -1] = 1.0
    return dh


def direct_jacobian(rnn, trace, n, t):
    """dh_T/dh_t for sequence n, as the explicit product of one-step Jacobians (t is 0-based)."""
    jac = np.eye(rnn.units)
    for k in range(trace.timesteps - 1, t, -1):
        step = np.diag(rnn.saturation * (1 - trace.h[n, k] ** 2)) @ rnn.W_hh
        jac = jac @ step
    return jac


def test_spectral_radius_and_largest_singular_value_of_any_matrix():
    W = np.array([[0.0, 2.0], [0.5, 0.0]])  # eigenvalues +-1, singular values 2 and 0.5
    assert diag.spectral_radius(W) == pytest.approx(1.0)
    assert diag.largest_singular_value(W) == pytest.approx(2.0)


def test_gradient_norms_are_the_norms_of_the_total_gradient():
    rnn = SimpleRNN(3, 5, seed=1)
    x = np.random.default_rng(0).normal(size=(2, 6, 3))
    trace = rnn.forward(x)
    grads = rnn.backward(trace, last_step_loss(trace))
    expected = [np.linalg.norm(grads.h[:, t]) for t in range(6)]
    np.testing.assert_allclose(diag.gradient_norms(grads), expected)


@pytest.mark.parametrize(("scale", "gain"), [(0.7, 1.0), (1.0, 1.0), (1.3, 1.0), (1.5, 2.5)])
def test_log10_gradients_equal_the_logs_of_bptt_where_float64_can_hold_them(scale, gain):
    rng = np.random.default_rng(3)
    rnn = SimpleRNN(3, 6, w_hh_scale=scale, saturation=gain, seed=2)
    trace = rnn.forward(rng.normal(size=(2, 30, 3)))
    dh = rng.normal(size=trace.h.shape)
    dh[:, :-1][:, rng.random(29) < 0.7] = 0.0  # direct terms on the last step and a few others
    grads = rnn.backward(trace, dh)
    logs = diag.log10_gradients(rnn, trace, dh)
    np.testing.assert_allclose(logs.log10_abs, np.log10(np.abs(grads.h)), atol=1e-9)
    np.testing.assert_allclose(logs.log10_norm, np.log10(diag.gradient_norms(grads)), atol=1e-12)


def test_log10_gradients_past_float64_overflow_are_exact():
    # Zero input keeps h_t = 0 and tanh' = 1, so dL/dh_1 = (W_hh^T)^999 dL/dh_T exactly, and an
    # orthogonal W_hh times 3 multiplies every norm by exactly 3 per step: 3**999 ~ 1e476.
    rnn = SimpleRNN(2, 16, w_hh_scale=3.0, seed=0)
    trace = rnn.forward(np.zeros((1, 1000, 2)))
    dh = last_step_loss(trace)  # ||dL/dh_T|| = 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logs = diag.log10_gradients(rnn, trace, dh)
    expected = np.log10(4) + np.arange(999, -1, -1) * np.log10(3)
    np.testing.assert_allclose(logs.log10_norm, expected, rtol=1e-12)
    assert logs.log10_norm[0] > 400
    assert np.isfinite(logs.log10_abs[0, 0]).all()


def test_log10_gradients_past_float64_underflow_stay_finite_and_true():
    # Gain 0.1 on scale 3: every step shrinks the gradient by at most 0.3, so past 600 steps it
    # is below 1e-308, where plain float64 reads 0.
    rnn = SimpleRNN(2, 16, w_hh_scale=3.0, saturation=0.1, seed=0)
    trace = rnn.forward(np.random.default_rng(0).normal(size=(1, 1000, 2)))
    dh = last_step_loss(trace)
    logs = diag.log10_gradients(rnn, trace, dh)
    steps_back = np.arange(999, -1, -1)
    assert np.all(logs.log10_norm <= np.log10(4) + steps_back * np.log10(0.3) + 1e-9)
    assert logs.log10_norm[0] < -308
    assert np.isfinite(logs.log10_norm).all()
    # Where float64 still holds it, the first steps agree with plain BPTT.
    grads = rnn.backward(trace, dh)
    near_end = slice(900, 1000)
    np.testing.assert_allclose(
        logs.log10_norm[near_end], np.log10(diag.gradient_norms(grads)[near_end]), atol=1e-9
    )


def test_log10_gradients_mark_exact_zeros_as_minus_infinity():
    rnn = SimpleRNN(2, 3, seed=0)
    trace = rnn.forward(np.ones((1, 4, 2)))
    logs = diag.log10_gradients(rnn, trace, np.zeros((1, 4, 3)))
    assert np.all(logs.log10_norm == -np.inf)


@pytest.mark.parametrize(("scale", "gain"), [(0.8, 1.0), (1.2, 1.0), (1.0, 3.0)])
def test_log10_jacobian_norms_match_the_explicit_product(scale, gain):
    rnn = SimpleRNN(2, 5, w_hh_scale=scale, saturation=gain, seed=4)
    trace = rnn.forward(np.random.default_rng(1).normal(size=(2, 12, 2)))
    logs = diag.log10_jacobian_norms(rnn, trace)
    assert logs.shape == (2, 12)
    for n in range(2):
        for t in range(12):
            direct = np.linalg.norm(direct_jacobian(rnn, trace, n, t), ord=2)
            assert logs[n, t] == pytest.approx(np.log10(direct), abs=1e-10)
    np.testing.assert_allclose(diag.jacobian_norms(rnn, trace), 10**logs)


@pytest.mark.parametrize("scale", [0.5, 0.8, 0.95])
def test_jacobian_norms_decay_geometrically_below_scale_one(scale):
    rnn = SimpleRNN(4, 32, w_hh_scale=scale, seed=5)
    trace = rnn.forward(np.random.default_rng(2).normal(size=(1, 200, 4)))
    logs = diag.log10_jacobian_norms(rnn, trace)[0]
    steps_back = np.arange(199, -1, -1)
    # ||prod diag(tanh') W_hh|| <= scale ** (steps back), since tanh' <= 1 and ||W_hh|| = scale.
    assert np.all(logs <= steps_back * np.log10(scale) + 1e-9)
    assert logs[-1] == pytest.approx(0.0)
    assert np.all(np.diff(logs) > 0)  # strictly more influence the closer to the end


def test_saturation_statistics_match_a_direct_count():
    rnn = SimpleRNN(3, 10, saturation=4.0, seed=1)
    trace = rnn.forward(np.random.default_rng(0).normal(size=(2, 8, 3)) * 3)
    h = trace.h
    for t in range(8):
        count = sum(abs(h[n, t, u]) > 0.99 for n in range(2) for u in range(10))
        assert diag.saturated_fraction(trace)[t] == pytest.approx(count / 20)
        slopes = [1 - h[n, t, u] ** 2 for n in range(2) for u in range(10)]
        assert diag.mean_tanh_derivative(trace)[t] == pytest.approx(np.mean(slopes))
    assert diag.saturated_fraction(trace).max() > 0.3  # gain 4 really saturates


def test_log10_gradients_chain_through_stacked_layers_at_any_size():
    rng = np.random.default_rng(5)
    rnn1 = SimpleRNN(3, 6, w_hh_scale=1.1, seed=1)
    rnn2 = SimpleRNN(6, 5, w_hh_scale=0.9, saturation=1.5, seed=2)
    t1 = rnn1.forward(rng.normal(size=(2, 25, 3)))
    t2 = rnn2.forward(t1.h)
    dh2 = last_step_loss(t2)
    g2 = rnn2.backward(t2, dh2)
    g1 = rnn1.backward(t1, g2.x)
    lg2 = diag.log10_gradients(rnn2, t2, dh2)
    np.testing.assert_allclose(
        10 ** lg2.log10_norm[:, None, None] * lg2.x_scaled.swapaxes(0, 1),
        g2.x.swapaxes(0, 1),
        rtol=1e-9,
        atol=1e-300,
    )
    lg1 = diag.log10_gradients(rnn1, t1, lg2.x_scaled, dh_log10_scale=lg2.log10_norm)
    np.testing.assert_allclose(lg1.log10_abs, np.log10(np.abs(g1.h)), atol=1e-9)


def test_stacked_log10_gradients_stay_true_where_float64_underflows():
    # Layer 2 at scale 0.3 over 800 steps: its input gradient at t=1 is ~1e-420, zero in
    # float64; carried in log space, layer 1 still sees (and passes on) its true size.
    rnn1 = SimpleRNN(2, 8, w_hh_scale=0.5, seed=1)
    rnn2 = SimpleRNN(8, 8, w_hh_scale=0.3, seed=2)
    t1 = rnn1.forward(np.random.default_rng(0).normal(size=(1, 800, 2)))
    t2 = rnn2.forward(t1.h)
    lg2 = diag.log10_gradients(rnn2, t2, last_step_loss(t2))
    lg1 = diag.log10_gradients(rnn1, t1, lg2.x_scaled, dh_log10_scale=lg2.log10_norm)
    assert lg2.log10_norm[0] < -400
    assert np.isfinite(lg1.log10_norm).all()
    assert lg1.log10_norm[0] < -308


def test_log10_gradients_take_direct_gradients_near_float64s_limit():
    rnn = SimpleRNN(2, 4, seed=0)
    trace = rnn.forward(np.ones((1, 5, 2)))
    dh = np.zeros((1, 5, 4))
    dh[:, -1] = 1e300  # squaring this would overflow
    logs = diag.log10_gradients(rnn, trace, dh)
    assert logs.log10_norm[-1] == pytest.approx(300 + np.log10(2))
