"""The trainer: the whole loss gradient against finite differences of an independent forward
pass, what a step records and applies, clipping, determinism, divergence, and the lecture's
lesson: a short lag is learned, a long one through a contracting W_hh is not."""

from __future__ import annotations

import numpy as np
import pytest

from rnnwidget._wire import decode_array
from rnnwidget.cells.diagnostics import gradient_norms
from rnnwidget.training import Trainer, TrainingDiverged
from rnnwidget.training.loop import TrainingLoop
from rnnwidget.training.optim import global_norm
from rnnwidget.training.tasks import Adding, Recall
from rnnwidget.training.trainer import RADIUS_EVERY, RADIUS_UNITS
from rnnwidget.training.widget import progress_payload

from . import reference as ref

# ---------------------------------------------------------------------------------------------
# The gradient of the loss through the model and the read-out
# ---------------------------------------------------------------------------------------------


def reference_loss(trainer, x, targets):
    """The training loss from scratch: tests/reference.py's plain RNN, then the read-out and
    the loss written out."""
    p = trainer.params
    h0 = np.zeros((x.shape[0], trainer.rnn.units))
    h = ref.hidden_states(p["W_xh"], p["W_hh"], p["b"], x, h0, trainer.rnn.saturation)
    y = h[:, -1] @ p["W_hy"].T + p["b_y"]
    if isinstance(trainer.task, Recall):
        log_p = y - np.log(np.exp(y).sum(axis=1, keepdims=True))
        return -np.mean(log_p[np.arange(len(targets)), targets])
    return np.mean((y - targets) ** 2)


@pytest.mark.parametrize(
    "settings",
    [
        {"task": "recall", "lag": 3, "n_symbols": 3},
        {"task": "recall", "lag": 2, "n_symbols": 2, "w_hh_scale": 1.4, "saturation": 2.0},
        {"task": "adding", "seq_len": 5},
        {"task": "adding", "seq_len": 4, "w_hh_scale": 0.5, "saturation": 0.7},
    ],
    ids=["recall", "recall-saturated", "adding", "adding-contracting"],
)
def test_every_parameter_gradient_matches_finite_differences(settings):
    trainer = Trainer(units=4, seed=1, dtype="float64", **settings)
    rng = np.random.default_rng(2)
    trainer.params["b"][:] = rng.normal(0, 0.3, 4)  # nonzero biases, so db and db_y count
    trainer.params["b_y"][:] = rng.normal(0, 0.3, trainer.task.outputs)
    x, targets = trainer.task.sample(3, rng)
    backprop = trainer.backprop(x, targets)
    assert backprop.loss == pytest.approx(reference_loss(trainer, x, targets), rel=1e-12)
    for name, array in trainer.params.items():
        numeric = ref.numerical_gradient(lambda: reference_loss(trainer, x, targets), array)
        error = ref.relative_error(backprop.grads[name], numeric)
        assert error < 1e-7, f"dL/d{name}: relative error {error:.2e}"


@pytest.mark.parametrize(("dtype", "rtol"), [("float64", 1e-12), ("float32", 1e-6)])
def test_the_recorded_gradient_norms_are_those_of_bptt(dtype, rtol):
    trainer = Trainer(lag=12, units=8, dtype=dtype)
    x, targets = trainer.task.sample(5, np.random.default_rng(0))
    backprop = trainer.backprop(x, targets)
    # Recompute dL/dh_t with the model's own backward pass, from dL/dh_T = W_hy^T dL/dy.
    trace = trainer.rnn.forward(x)
    _, dy = trainer.readout.loss(trainer.readout.forward(trace.final_state), targets)
    dh = np.zeros_like(trace.h)
    dh[:, -1] = dy @ trainer.readout.W_hy
    expected = np.log10(gradient_norms(trainer.rnn.backward(trace, dh)))
    np.testing.assert_allclose(backprop.log10_grad_norms, expected, rtol=rtol)
    assert backprop.log10_grad_norms.shape == (trainer.task.timesteps,)


def test_gradient_norms_far_below_float64s_range_are_still_recorded():
    """Through 300 steps of a W_hh with every singular value 0.05 the gradient falls far below
    1e-308; its logarithm must stay finite and fall at least as fast as 0.05 per step."""
    trainer = Trainer(lag=300, units=8, w_hh_scale=0.05)
    log10_norms = trainer.step().log10_grad_norms
    assert np.isfinite(log10_norms).all()
    assert log10_norms[0] < -308
    steps_back = np.arange(trainer.task.timesteps)[::-1]
    bound = log10_norms[-1] + steps_back * np.log10(0.05)  # tanh' <= 1 and ||W_hh||_2 = 0.05
    assert np.all(log10_norms <= bound + 1e-9)


# ---------------------------------------------------------------------------------------------
# One step: what it records and what it applies
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def fixed_batch(monkeypatch):
    """Every batch the recall task samples is this one."""
    batch = Recall(lag=4).sample(6, np.random.default_rng(9))
    monkeypatch.setattr(Recall, "sample", lambda self, batch_size, rng: batch)
    return batch


@pytest.mark.parametrize("clip", [False, True])
def test_a_step_applies_the_sgd_update_of_the_clipped_gradient_and_records_it(fixed_batch, clip):
    settings = {"lag": 4, "units": 5, "optimizer": "sgd", "learning_rate": 0.3, "seed": 4}
    settings["dtype"] = "float64"  # the update's arithmetic checked to 1e-10
    trainer = Trainer(clip=clip, clip_threshold=0.01, **settings)
    before = {name: p.copy() for name, p in trainer.params.items()}
    expected = trainer.backprop(*fixed_batch)
    norm = global_norm(expected.grads)
    assert norm > 0.01  # so clipping has something to do
    scale = 0.01 / norm if clip else 1.0

    record = trainer.step()

    for name, param in trainer.params.items():
        step = param - before[name]
        np.testing.assert_allclose(step, -0.3 * scale * expected.grads[name], rtol=1e-10)
    assert record.step == 1
    assert record.loss == expected.loss
    assert record.grad_norm == pytest.approx(norm, rel=1e-14)  # before clipping
    assert record.clipped is clip
    assert record.spectral_radius == pytest.approx(1.0, abs=1e-12)  # before the update
    np.testing.assert_array_equal(record.log10_grad_norms, expected.log10_grad_norms)
    moved = global_norm({n: p - before[n] for n, p in trainer.params.items()})
    assert moved == pytest.approx(0.3 * (0.01 if clip else norm), rel=1e-10)


def test_training_moves_the_models_own_arrays():
    trainer = Trainer(units=6)
    W_hh = trainer.rnn.W_hh
    trainer.train(3)
    assert trainer.rnn.W_hh is W_hh is trainer.params["W_hh"]
    assert trainer.history().spectral_radius[-1] != 1.0


def test_history_holds_every_step_and_evaluation_as_arrays():
    trainer = Trainer(lag=6, units=8)
    assert trainer.steps_per_second == 0.0
    trainer.train(10, eval_every=4)
    history = trainer.history()
    np.testing.assert_array_equal(history.step, np.arange(1, 11))
    np.testing.assert_array_equal(history.eval_step, [0, 4, 8, 10])
    assert history.loss.shape == history.grad_norm.shape == history.clipped.shape == (10,)
    assert history.log10_grad_norms.shape == (10, 8)
    assert history.val_accuracy.shape == history.val_loss.shape == (4,)
    assert np.isfinite(history.loss).all()
    assert trainer.steps == 10
    assert trainer.steps_per_second > 0
    empty = Trainer().history()
    assert empty.log10_grad_norms.shape == (0, 12)


# ---------------------------------------------------------------------------------------------
# Determinism and the data streams
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("task", ["recall", "adding"])
def test_the_same_seed_gives_the_same_loss_curve_bit_for_bit(task):
    settings = {"task": task, "lag": 8, "seq_len": 12, "units": 8, "seed": 3}
    a, b, other = Trainer(**settings), Trainer(**settings), Trainer(**{**settings, "seed": 4})
    for trainer in (a, b, other):
        trainer.train(25, eval_every=5)
    ha, hb, ho = a.history(), b.history(), other.history()
    np.testing.assert_array_equal(ha.loss, hb.loss)
    np.testing.assert_array_equal(ha.log10_grad_norms, hb.log10_grad_norms)
    np.testing.assert_array_equal(ha.val_loss, hb.val_loss)
    for name in a.params:
        np.testing.assert_array_equal(a.params[name], b.params[name])
    assert not np.array_equal(ha.loss, ho.loss)


def test_the_validation_batch_is_fixed_and_has_its_own_stream():
    trainer = Trainer(lag=5, validation_size=64)
    x, targets = (array.copy() for array in trainer.validation)
    trainer.train(5)
    np.testing.assert_array_equal(trainer.validation[0], x)
    np.testing.assert_array_equal(trainer.validation[1], targets)
    # Drawn from its own stream: the training batch size does not change it, and its own size
    # does not change the training batches.
    np.testing.assert_array_equal(Trainer(lag=5, validation_size=64, batch_size=7).validation[0], x)
    bigger = Trainer(lag=5, validation_size=200)
    bigger.train(5)
    np.testing.assert_array_equal(bigger.history().loss, trainer.history().loss)
    assert not np.array_equal(Trainer(lag=5, validation_size=64, seed=1).validation[0], x)


# ---------------------------------------------------------------------------------------------
# The lesson
# ---------------------------------------------------------------------------------------------

# Recall with 4 symbols, Adam at lr 1e-2, norm clipping at 1, 32 units, batches of 32, seed 0.
# A lag of 5 through W_hh at scale 1.0 is learned within 25 steps. A lag of 80 at scale 0.5
# leaves ||dh_T/dh_1|| <= 0.5**81 ~ 4e-25: over seeds 0-7 accuracy first rose 0.1 above chance
# after 800 steps or more (most never did in 1000), so a 300-step budget has a wide margin.
BUDGET = 300


def test_a_short_lag_is_learned():
    trainer = Trainer(lag=5, w_hh_scale=1.0)
    evaluation = trainer.train(BUDGET, eval_every=5, target_accuracy=0.95)
    assert evaluation.accuracy >= 0.95
    assert trainer.steps < BUDGET  # stopped early, at the evaluation that reached it
    assert trainer.steps % 5 == 0


def test_a_long_lag_through_a_contracting_w_hh_stays_at_chance():
    trainer = Trainer(lag=80, w_hh_scale=0.5)
    evaluation = trainer.train(BUDGET)
    assert evaluation.step == BUDGET
    assert evaluation.accuracy < trainer.task.chance_accuracy + 0.1
    assert evaluation.loss > 0.9 * trainer.task.chance_loss
    # The gradient that reaches the symbol's step is negligible next to the one at the cue.
    history = trainer.history()
    assert np.all(history.log10_grad_norms[:, 0] < history.log10_grad_norms[:, -1] - 10)


def test_the_adding_problem_is_learned_at_a_short_length():
    trainer = Trainer("adding", seq_len=6)
    start = trainer.evaluate()
    evaluation = trainer.train(BUDGET)
    assert start.loss > 0.5 * Adding().chance_loss
    assert evaluation.loss < 0.1 * Adding().chance_loss


# ---------------------------------------------------------------------------------------------
# Divergence and bad settings
# ---------------------------------------------------------------------------------------------


def test_divergence_stops_training_with_a_clear_error_and_no_nan_in_the_history():
    trainer = Trainer("adding", optimizer="sgd", learning_rate=1e3, clip=False)
    with pytest.raises(TrainingDiverged, match=r"diverged at step .* learning rate"):
        trainer.train(200)
    history = trainer.history()
    assert 1 <= trainer.steps < 200
    assert np.isfinite(history.loss).all()
    assert np.isfinite(history.grad_norm).all()
    with pytest.raises(TrainingDiverged):
        trainer.step()
    with pytest.raises(TrainingDiverged):
        trainer.evaluate()
    assert trainer.steps == history.step.size


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"task": "copy"}, "task"),
        ({"optimizer": "rmsprop"}, "optimizer"),
        ({"batch_size": 0}, "batch_size"),
        ({"clip_threshold": 0.0}, "clip_threshold"),
        ({"learning_rate": float("nan")}, "learning_rate"),
        ({"units": 0}, "units"),
        ({"lag": 0}, "lag"),
        ({"w_hh_scale": -1.0}, "w_hh_scale"),
        ({"validation_size": 0}, "validation_size"),
    ],
)
def test_bad_settings_are_refused_by_name(settings, message):
    with pytest.raises(ValueError, match=message):
        Trainer(**settings)


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_the_float32_default_follows_the_float64_run_step_by_step(cell):
    """The same seed in both precisions: the same batches, and losses apart by rounding only
    over the first steps (training is chaotic, so later steps may part further)."""
    settings = {"cell": cell, "lag": 6, "units": 8, "seed": 5}
    single, double = Trainer(**settings), Trainer(**settings, dtype="float64")
    assert all(p.dtype == np.float32 for p in single.params.values())
    assert all(p.dtype == np.float64 for p in double.params.values())
    for _ in range(5):
        a, b = single.step(), double.step()
        assert a.loss == pytest.approx(b.loss, rel=1e-4)
        np.testing.assert_allclose(a.log10_grad_norms, b.log10_grad_norms, atol=1e-4)


def test_a_large_w_hh_has_its_spectral_radius_measured_every_few_steps():
    """Past RADIUS_UNITS units the eigenvalues cost more than a step: measured on steps 1, 11,
    21, ... (before each update), NaN in between, and the chart draws the last measurement."""
    trainer = Trainer(lag=3, units=RADIUS_UNITS + 1, batch_size=4, validation_size=4)
    W_hh = []
    for _ in range(2 * RADIUS_EVERY + 1):
        W_hh.append(trainer.rnn.W_hh.copy())
        trainer.step()
    radius = trainer.history().spectral_radius
    measured = np.flatnonzero(~np.isnan(radius))
    np.testing.assert_array_equal(measured, [0, RADIUS_EVERY, 2 * RADIUS_EVERY])
    for index in measured:
        assert radius[index] == pytest.approx(np.abs(np.linalg.eigvals(W_hh[index])).max())
    drawn = 10 ** decode_array(progress_payload_of(trainer)["arrays"]["log10_spectral_radius"])
    np.testing.assert_allclose(drawn, radius[np.repeat(measured, RADIUS_EVERY)[: len(radius)]])
    small = Trainer(lag=3, units=RADIUS_UNITS, batch_size=4, validation_size=4)
    small.train(3)
    assert not np.isnan(small.history().spectral_radius).any()


def progress_payload_of(trainer: Trainer) -> dict:
    """What RNNTrainer's view would receive for this run as it stands."""
    snapshots: list = []
    loop = TrainingLoop(trainer, snapshots.append)
    loop.publish()
    loop.close()
    return progress_payload(snapshots[-1], clip_threshold=None, max_steps=1000)
