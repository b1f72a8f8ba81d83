"""The memory tasks: shapes, that the targets really are what the inputs say, seeding, and the
chance levels the plots draw."""

from __future__ import annotations

import numpy as np
import pytest

from rnnwidget.training.tasks import Adding, Recall, make_task


def rng(seed=0):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------------------------
# Recall
# ---------------------------------------------------------------------------------------------


def test_recall_shapes_follow_the_lag_and_the_alphabet():
    task = Recall(lag=7, n_symbols=5)
    x, labels = task.sample(11, rng())
    assert (task.timesteps, task.features, task.outputs) == (9, 7, 5)
    assert x.shape == (11, 9, 7)
    assert x.dtype == np.float64
    assert labels.shape == (11,)
    assert np.issubdtype(labels.dtype, np.integer)


def test_the_recall_target_is_the_symbol_shown_at_the_first_step_and_only_there():
    task = Recall(lag=6, n_symbols=4)
    x, labels = task.sample(500, rng(1))
    symbols, noise, cue = x[..., :4], x[..., 4], x[..., 5]
    np.testing.assert_array_equal(symbols[:, 0], np.eye(4)[labels])  # one-hot at t = 1
    assert not symbols[:, 1:].any()  # never again
    assert not noise[:, 0].any()
    assert not noise[:, -1].any()
    assert np.all(noise[:, 1:-1] != 0)  # distractors on every step between
    np.testing.assert_array_equal(cue[:, -1], 1.0)  # "answer now" at the last step only
    assert not cue[:, :-1].any()
    assert set(labels.tolist()) == {0, 1, 2, 3}


def test_recall_noise_has_the_requested_spread():
    x, _ = Recall(lag=50, noise=0.3).sample(400, rng(2))
    assert x[:, 1:-1, 4].std() == pytest.approx(0.3, rel=0.05)
    silent, _ = Recall(lag=5, noise=0.0).sample(3, rng(2))
    assert not silent[:, 1:-1].any()


def test_recall_accuracy_and_chance_level():
    task = Recall(n_symbols=4)
    _, labels = task.sample(1000, rng(3))
    perfect = np.eye(4)[labels]
    assert task.accuracy(perfect, labels) == 1.0
    assert task.accuracy(np.roll(perfect, 1, axis=1), labels) == 0.0
    guesses = rng(4).normal(size=(1000, 4))
    assert task.accuracy(guesses, labels) == pytest.approx(task.chance_accuracy, abs=0.05)
    assert task.chance_loss == pytest.approx(np.log(4))


# ---------------------------------------------------------------------------------------------
# The adding problem
# ---------------------------------------------------------------------------------------------


def test_adding_shapes():
    task = Adding(seq_len=13)
    x, sums = task.sample(6, rng())
    assert (task.timesteps, task.features, task.outputs) == (13, 2, 1)
    assert x.shape == (6, 13, 2)
    assert sums.shape == (6, 1)


@pytest.mark.parametrize("seq_len", [2, 3, 10, 51])
def test_adding_marks_one_number_in_each_half_and_the_target_is_their_sum(seq_len):
    x, sums = Adding(seq_len=seq_len).sample(300, rng(5))
    values, markers = x[..., 0], x[..., 1]
    assert np.all((values >= 0) & (values < 1))
    np.testing.assert_array_equal(markers.sum(axis=1), 2)
    half = seq_len // 2
    np.testing.assert_array_equal(markers[:, :half].sum(axis=1), 1)
    np.testing.assert_array_equal(markers[:, half:].sum(axis=1), 1)
    np.testing.assert_allclose(sums[:, 0], (values * markers).sum(axis=1), rtol=1e-15)


def test_adding_chance_levels_are_those_of_always_answering_one():
    """Predicting the mean sum, 1, scores MSE Var(u1 + u2) = 1/6 and hits |s - 1| < 0.04 with
    probability 2 * 0.04 - 0.04**2 (checked on 200 000 draws, about 3 standard errors)."""
    task = Adding(seq_len=10)
    _, sums = task.sample(200_000, rng(6))
    ones = np.ones_like(sums)
    assert task.chance_loss == pytest.approx(1 / 6)
    assert np.mean((ones - sums) ** 2) == pytest.approx(task.chance_loss, abs=0.002)
    assert task.chance_accuracy == pytest.approx(0.0784)
    assert task.accuracy(ones, sums) == pytest.approx(task.chance_accuracy, abs=0.002)
    assert task.accuracy(sums + 0.039, sums) == 1.0
    assert task.accuracy(sums + 0.041, sums) == 0.0


# ---------------------------------------------------------------------------------------------
# Both
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("task", [Recall(lag=4), Adding(seq_len=8)], ids=["recall", "adding"])
def test_the_generator_decides_the_batch(task):
    x1, t1 = task.sample(5, rng(7))
    x2, t2 = task.sample(5, rng(7))
    x3, _ = task.sample(5, rng(8))
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(t1, t2)
    assert not np.array_equal(x1, x3)


def test_make_task_reads_only_its_own_length():
    assert make_task("recall", lag=3, n_symbols=6, seq_len=99) == Recall(lag=3, n_symbols=6)
    assert make_task("adding", lag=3, seq_len=20) == Adding(seq_len=20)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Recall(lag=0), "lag"),
        (lambda: Recall(n_symbols=1), "n_symbols"),
        (lambda: Recall(noise=-1.0), "noise"),
        (lambda: Adding(seq_len=1), "seq_len"),
        (lambda: Adding(tolerance=0.0), "tolerance"),
        (lambda: make_task("copy"), "recall"),
        (lambda: Recall().sample(0, rng()), "batch_size"),
    ],
)
def test_bad_settings_are_refused_by_name(build, message):
    with pytest.raises(ValueError, match=message):
        build()
