"""SGD, Adam and norm clipping: exact steps, Adam against Kingma & Ba's Algorithm 1 written out
and on a quadratic, and clipping to exactly the threshold."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnwidget.training.optim import SGD, Adam, clip_by_global_norm, global_norm, make_optimizer


def params_and_grads(seed=0):
    rng = np.random.default_rng(seed)
    params = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=3)}
    grads = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=3)}
    return params, grads


def test_sgd_takes_exactly_minus_lr_times_the_gradient_in_place():
    params, grads = params_and_grads()
    before = {k: v.copy() for k, v in params.items()}
    W = params["W"]
    SGD(params, learning_rate=0.1).step(grads)
    assert params["W"] is W  # the caller's arrays, updated in place
    for name in params:
        np.testing.assert_array_equal(params[name], before[name] - 0.1 * grads[name])


def test_adam_follows_algorithm_1_step_for_step():
    params, _ = params_and_grads(1)
    theta = params["W"].copy()
    adam = Adam(params, learning_rate=0.05, beta1=0.8, beta2=0.99, eps=1e-6)
    m = v = np.zeros_like(theta)
    rng = np.random.default_rng(2)
    for t in range(1, 8):
        g = rng.normal(size=theta.shape)
        adam.step({"W": g, "b": rng.normal(size=3)})
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g * g
        theta = theta - 0.05 * (m / (1 - 0.8**t)) / (np.sqrt(v / (1 - 0.99**t)) + 1e-6)
        np.testing.assert_allclose(params["W"], theta, rtol=1e-13, atol=1e-15)


def test_adams_first_step_moves_every_element_by_the_learning_rate_whatever_its_gradient():
    """Kingma & Ba, Section 2.1: with bias correction the first step is lr * sign(g)."""
    theta = np.zeros(9)
    g = np.array([1e-4, -1e-2, 1.0, -1e2, 1e4, 3.0, -7.0, 0.5, 1e-3])
    Adam({"theta": theta}, learning_rate=1e-2).step({"theta": g})
    np.testing.assert_allclose(theta, -1e-2 * np.sign(g), rtol=1e-3)


def test_adam_converges_to_the_minimum_of_an_ill_conditioned_quadratic():
    """f(theta) = 1/2 (theta - theta*)^T A (theta - theta*), curvatures 0.01 to 100."""
    curvature = np.array([0.01, 1.0, 100.0])
    minimum = np.array([1.0, -2.0, 0.5])
    theta = np.zeros(3)
    adam = Adam({"theta": theta}, learning_rate=0.05)
    for _ in range(3000):
        adam.step({"theta": curvature * (theta - minimum)})
    np.testing.assert_allclose(theta, minimum, atol=1e-3)


def test_the_global_norm_treats_every_array_as_one_vector():
    _, grads = params_and_grads(3)
    flat = np.concatenate([g.ravel() for g in grads.values()])
    assert global_norm(grads) == pytest.approx(np.linalg.norm(flat), rel=1e-14)
    assert global_norm({"zero": np.zeros(3)}) == 0.0


def test_clipping_scales_a_long_gradient_to_exactly_the_threshold():
    _, grads = params_and_grads(4)
    before = {k: v.copy() for k, v in grads.items()}
    norm_before = global_norm(grads)
    norm, clipped = clip_by_global_norm(grads, threshold=0.5)
    assert clipped
    assert norm == norm_before
    assert global_norm(grads) == pytest.approx(0.5, rel=1e-14)
    for name in grads:  # the direction is kept
        np.testing.assert_allclose(grads[name], before[name] * 0.5 / norm_before, rtol=1e-14)


def test_clipping_leaves_a_short_gradient_alone():
    _, grads = params_and_grads(5)
    before = {k: v.copy() for k, v in grads.items()}
    norm, clipped = clip_by_global_norm(grads, threshold=1e3)
    assert not clipped
    assert norm == pytest.approx(global_norm(before))
    for name in grads:
        np.testing.assert_array_equal(grads[name], before[name])


def test_clipping_rescues_a_gradient_whose_squares_would_overflow():
    grads = {"W": np.full((4, 4), 1e200), "b": np.full(4, -1e200)}
    norm, clipped = clip_by_global_norm(grads, threshold=1.0)
    assert clipped
    assert norm == pytest.approx(math.sqrt(20) * 1e200, rel=1e-14)
    assert global_norm(grads) == pytest.approx(1.0, rel=1e-14)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_optimizers_refuse_gradients_for_other_parameters(name):
    params, _ = params_and_grads()
    optimizer = make_optimizer(name, params, 0.1)
    with pytest.raises(ValueError, match=r"\['W', 'b'\]"):
        optimizer.step({"W": np.zeros((3, 4))})


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda p: make_optimizer("rmsprop", p, 0.1), "sgd"),
        (lambda p: SGD(p, learning_rate=0.0), "learning_rate"),
        (lambda p: Adam(p, learning_rate=-1.0), "learning_rate"),
        (lambda p: Adam(p, beta1=1.0), "beta1"),
        (lambda p: clip_by_global_norm(p, threshold=0.0), "threshold"),
    ],
)
def test_bad_settings_are_refused_by_name(build, message):
    params, _ = params_and_grads()
    with pytest.raises(ValueError, match=message):
        build(params)
