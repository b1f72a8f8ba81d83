"""The read-out y = W_hy h_T + b_y and its two losses: values and every gradient against
central finite differences in float64."""

from __future__ import annotations

import numpy as np
import pytest

from rnnwidget.training.readout import Readout, softmax_cross_entropy, squared_error

from . import reference as ref


def test_cross_entropy_is_minus_the_mean_log_probability_of_the_label():
    y = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    labels = np.array([2, 0])
    loss, _ = softmax_cross_entropy(y, labels)
    p = np.exp(y) / np.exp(y).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(p[[0, 1], labels])), rel=1e-14)
    assert softmax_cross_entropy(np.zeros((4, 5)), np.arange(4))[0] == pytest.approx(np.log(5))


def test_cross_entropy_stays_finite_for_huge_logits():
    y = np.array([[1000.0, 0.0], [1000.0, 0.0]])
    loss, dy = softmax_cross_entropy(y, np.array([0, 1]))
    assert loss == pytest.approx(500.0)  # (0 + 1000) / 2
    np.testing.assert_allclose(dy, [[0.0, 0.0], [0.5, -0.5]], atol=1e-300)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("loss_fn", [softmax_cross_entropy, squared_error])
def test_the_loss_gradients_match_finite_differences(loss_fn, seed):
    rng = np.random.default_rng(seed)
    y = rng.normal(0, 2, size=(6, 4))
    if loss_fn is softmax_cross_entropy:
        targets = rng.integers(0, 4, size=6)
    else:
        targets = rng.normal(size=(6, 4))
    _, dy = loss_fn(y, targets)
    numeric = ref.numerical_gradient(lambda: loss_fn(y, targets)[0], y)
    assert ref.relative_error(dy, numeric) < 1e-8


def test_squared_error_is_the_mean_over_rows_and_outputs():
    loss, dy = squared_error(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]))
    assert loss == 2.5  # (1 + 4) / 2
    np.testing.assert_array_equal(dy, [[1.0], [2.0]])  # 2 (y - s) / 2


@pytest.mark.parametrize(
    ("loss", "outputs"), [("cross_entropy", 3), ("squared_error", 1), ("squared_error", 2)]
)
def test_every_readout_gradient_matches_finite_differences(loss, outputs):
    rng = np.random.default_rng(outputs)
    readout = Readout(5, outputs, loss=loss, rng=rng)
    readout.b_y[:] = rng.normal(size=outputs)  # nonzero, so db_y is exercised
    h_T = rng.uniform(-1, 1, size=(4, 5))
    if loss == "cross_entropy":
        targets = rng.integers(0, outputs, size=4)
    else:
        targets = rng.normal(size=(4, outputs))

    def total_loss():
        return readout.loss(readout.forward(h_T), targets)[0]

    y = readout.forward(h_T)
    np.testing.assert_allclose(y, h_T @ readout.W_hy.T + readout.b_y, rtol=1e-15)
    grads = readout.backward(h_T, readout.loss(y, targets)[1])
    for name, array in [("W_hy", readout.W_hy), ("b_y", readout.b_y), ("h_T", h_T)]:
        numeric = ref.numerical_gradient(total_loss, array)
        error = ref.relative_error(getattr(grads, name), numeric)
        assert error < 1e-8, f"d/d{name}: relative error {error:.2e}"


def test_the_readout_starts_glorot_uniform_with_zero_bias_from_its_generator():
    a = Readout(40, 10, loss="cross_entropy", rng=np.random.default_rng(0))
    b = Readout(40, 10, loss="cross_entropy", rng=np.random.default_rng(0))
    assert a.W_hy.shape == (10, 40)
    assert np.abs(a.W_hy).max() <= np.sqrt(6 / 50)
    np.testing.assert_array_equal(a.W_hy, b.W_hy)
    np.testing.assert_array_equal(a.b_y, np.zeros(10))


def test_an_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="squared_error"):
        Readout(3, 2, loss="hinge", rng=np.random.default_rng(0))  # type: ignore[arg-type]
