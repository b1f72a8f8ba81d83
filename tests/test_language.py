"""The character-level language model: its per-step loss and truncated BPTT against finite
differences and tests/reference.py's plain cells, the state carried between chunks, the
stateful evaluation, sampling, and reading units."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from rnnwidget.training import Trainer
from rnnwidget.training.corpora import one_hot
from rnnwidget.training.language import (
    UnitReading,
    bracket_depth,
    feature_scores,
    inside_quotes,
    line_position,
)

from . import reference as ref

TEXT = "def f(x):\n    return [x, (x + 1)]\n\nprint(f('a'), f(\"b\"))\n" * 6
CELLS = ["elman", "lstm", "gru"]


def small(cell: str, **settings) -> Trainer:
    defaults = {"text": TEXT, "cell": cell, "units": 4, "bptt_steps": 5, "batch_size": 2}
    return Trainer("text", **{**defaults, **settings})


def plain_states(trainer: Trainer, x, h0, c0=None):
    """tests/reference.py's cell over ``x`` from ``h0`` (and ``c0``): h ``(N, T, units)``."""
    p = trainer.params
    if trainer.cell == "elman":
        return ref.hidden_states(p["W_xh"], p["W_hh"], p["b"], x, h0, trainer.rnn.saturation)
    if trainer.cell == "lstm":
        return ref.lstm_states(p["W_xh"], p["W_hh"], p["b"], x, h0, c0)[0]
    return ref.gru_states(p["W_xh"], p["W_hh"], p["b_xh"], p["b_hh"], x, h0)


def plain_loss(trainer: Trainer, x, targets, h0, c0=None) -> float:
    """The mean next-character cross-entropy (nats) over every step, written out."""
    h = plain_states(trainer, x, h0, c0)
    y = h @ trainer.params["W_hy"].T + trainer.params["b_y"]  # (N, T, V)
    log_p = y - np.log(np.exp(y).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, targets[..., np.newaxis], axis=-1)
    return -float(picked.mean())


# ---------------------------------------------------------------------------------------------
# The loss at every step, and truncated BPTT
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_the_per_step_loss_and_its_gradient_from_a_carried_state_match_finite_differences(cell):
    trainer = small(cell, dtype="float64", seed=1)
    rng = np.random.default_rng(2)
    trainer.params["b_y"][:] = rng.normal(0, 0.3, trainer.task.outputs)
    inputs, targets, _ = trainer.task.data.next_batch(3, 5)
    x = one_hot(inputs, trainer.task.vocabulary.size)
    states = tuple(rng.normal(0, 0.5, (3, 4)) for _ in range(2 if cell == "lstm" else 1))
    backprop = trainer.backprop(x, targets, states)

    def loss() -> float:
        return plain_loss(trainer, x, targets, *states)

    assert backprop.loss == pytest.approx(loss(), rel=1e-12)
    for name, array in trainer.params.items():
        error = ref.relative_error(backprop.grads[name], ref.numerical_gradient(loss, array))
        assert error < 1e-7, f"dL/d{name}: relative error {error:.2e}"


@pytest.mark.parametrize("cell", CELLS)
def test_truncated_bptt_stops_at_the_chunk_and_equals_full_bptt_over_one_chunk(cell):
    """Chunk 2 starts from chunk 1's final state. Its gradient treats that state as a constant
    (finite differences with the state frozen agree); full BPTT through both chunks differs.
    Over a single chunk from zero, truncated and full BPTT are one and the same."""
    trainer = small(cell, dtype="float64", seed=3)
    for name in ("W_xh", "W_hh"):  # a livelier network: gradients well above rounding
        trainer.params[name] *= 3.0
    data, size = trainer.task.data, trainer.task.vocabulary.size
    (in1, t1, _), (in2, t2, _) = data.next_batch(2, 5), data.next_batch(2, 5)
    x1, x2 = one_hot(in1, size), one_hot(in2, size)
    carried = trainer.backprop(x1, t1).states
    truncated = trainer.backprop(x2, t2, carried)

    def frozen() -> float:  # the carried state as a constant
        return plain_loss(trainer, x2, t2, *carried)

    def through_both() -> float:  # the carried state recomputed from the weights
        whole = trainer.rnn.forward(x1)
        states = (whole.final_state, whole.c[:, -1]) if cell == "lstm" else (whole.final_state,)
        return plain_loss(trainer, x2, t2, *states)

    W_hh = trainer.params["W_hh"]
    numeric_frozen = ref.numerical_gradient(frozen, W_hh)
    numeric_full = ref.numerical_gradient(through_both, W_hh)
    # W_hh's gradients here are ~1e-6 and the differences' rounding ~1e-11: hence 1e-6
    assert ref.relative_error(truncated.grads["W_hh"], numeric_frozen) < 1e-6
    assert ref.relative_error(truncated.grads["W_hh"], numeric_full) > 1e-3  # it did truncate
    # one chunk from zero: BPTT over the whole sequence
    x = np.concatenate([x1, x2], axis=1)
    targets = np.concatenate([t1, t2], axis=1)
    whole = trainer.backprop(x, targets)

    def full_loss() -> float:
        return plain_loss(trainer, x, targets, *(np.zeros((2, 4)),) * len(carried))

    assert ref.relative_error(whole.grads["W_hh"], ref.numerical_gradient(full_loss, W_hh)) < 1e-6


@pytest.mark.parametrize("cell", CELLS)
def test_each_step_starts_from_the_state_the_last_chunk_ended_in(cell):
    trainer = small(cell, dtype="float64")
    trainer.step()
    carried = trainer._carried
    assert len(carried) == (2 if cell == "lstm" else 1)
    assert np.abs(carried[0]).max() > 0
    # the chunk the next step reads (from a copy of the data, which step() then reads itself)
    inputs, targets, restart = copy.deepcopy(trainer.task.data).next_batch(2, 5)
    assert not restart
    x = one_hot(inputs, trainer.task.vocabulary.size)
    expected = plain_loss(trainer, x, targets, *carried)  # before the update
    assert trainer.step().loss == pytest.approx(expected, rel=1e-12)


def test_the_state_starts_from_zero_when_the_streams_start_over():
    trainer = small("gru", text=TEXT[:120], dtype="float64")
    chunks = (len(trainer.task.data.train) - 1) // 2 // 5
    for _ in range(chunks):
        trainer.step()
    inputs, targets, restart = copy.deepcopy(trainer.task.data).next_batch(2, 5)
    assert restart
    x = one_hot(inputs, trainer.task.vocabulary.size)
    expected = plain_loss(trainer, x, targets, np.zeros((2, 4)))
    assert trainer.step().loss == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_an_evaluation_reads_the_held_out_text_in_order_carrying_the_state(cell):
    trainer = small(cell, dtype="float64", bptt_steps=4)
    trainer.train(3, eval_every=3)
    chunks = trainer.task.validation_chunks()
    inputs = np.concatenate([c[0] for c in chunks], axis=1)  # each stream, whole
    targets = np.concatenate([c[1] for c in chunks], axis=1)
    x = one_hot(inputs, trainer.task.vocabulary.size)
    zeros = (np.zeros((len(inputs), 4)),) * (2 if cell == "lstm" else 1)
    expected = plain_loss(trainer, x, targets, *zeros)
    assert trainer.evaluations[-1].loss == pytest.approx(expected, rel=1e-10)
    assert trainer.evaluations[-1].step == 3


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained():
    trainer = small("lstm", units=16, bptt_steps=10, batch_size=4, seed=2)
    trainer.train(30)
    return trainer


def test_temperature_zero_writes_the_likeliest_character_every_time(trained):
    vocabulary = trained.task.vocabulary
    text = trained.sample(40, temperature=0.0, prime="def")
    assert text == trained.sample(40, temperature=0.0, prime="def", seed=123)  # no chance
    # greedy decoding, written out: one whole forward pass per character
    written = "def"
    for _ in range(40):
        x = one_hot(vocabulary.encode(written)[np.newaxis], vocabulary.size, np.float32)
        y = trained.readout.forward(trained.rnn.forward(x).final_state)
        written += vocabulary.chars[int(np.argmax(y[0]))]
    assert text == written


def test_a_seed_gives_one_text_from_the_vocabulary(trained):
    a = trained.sample(200, temperature=1.0, seed=5)
    assert a == trained.sample(200, temperature=1.0, seed=5)
    assert a != trained.sample(200, temperature=1.0, seed=6)
    assert len(a) == 200
    assert set(a) <= set(trained.task.vocabulary.chars)


def test_a_higher_temperature_writes_more_varied_text(trained):
    def distinct_pairs(text: str) -> int:
        return len({text[i : i + 2] for i in range(len(text) - 1)})

    cold = trained.sample(400, temperature=0.2, seed=1)
    hot = trained.sample(400, temperature=2.0, seed=1)
    assert distinct_pairs(hot) > distinct_pairs(cold)


def test_sampling_refuses_what_it_cannot_write(trained):
    with pytest.raises(ValueError, match="'Z'"):
        trained.sample(5, prime="Zebra")
    with pytest.raises(ValueError, match="temperature"):
        trained.sample(5, temperature=-1.0)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        trained.sample(0)
    with pytest.raises(ValueError, match="task='text'"):
        Trainer("recall", lag=3).sample(5)


# ---------------------------------------------------------------------------------------------
# Reading units
# ---------------------------------------------------------------------------------------------


def test_reading_units_gives_every_state_and_the_top_guesses(trained):
    text = "print(f('a'))\n"
    reading = trained.read_units(text, top=3)
    vocabulary = trained.task.vocabulary
    x = one_hot(vocabulary.encode(text)[np.newaxis], vocabulary.size, np.float32)
    trace = trained.rnn.forward(x)
    np.testing.assert_array_equal(reading.h, trace.h[0])
    np.testing.assert_array_equal(reading.c, trace.c[0])
    y = trained.readout.forward(trace.h)[0].astype(np.float64)
    p = np.exp(y - y.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    for t in range(len(text)):
        order = np.argsort(-p[t], kind="stable")[:3]
        np.testing.assert_array_equal(reading.guesses[t], order)
        np.testing.assert_allclose(reading.probabilities[t], p[t, order], rtol=1e-6)
    assert np.all(np.diff(reading.probabilities, axis=1) <= 0)


def test_the_features_of_a_text():
    text = "f(a[1], 'x(')\n  b"
    np.testing.assert_array_equal(
        bracket_depth(text),
        [0, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],  # '(' quoted
    )
    np.testing.assert_array_equal(
        inside_quotes(text), [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    )
    np.testing.assert_array_equal(line_position(text), [*range(1, 14), 0, 1, 2, 3])


def test_feature_scores_find_the_unit_that_follows_a_feature():
    text = "a(b(c)d)e\n" * 5
    depth = bracket_depth(text)
    rng = np.random.default_rng(0)
    h = rng.normal(size=(len(text), 5))
    h[:, 3] = np.tanh(depth - 1) + 0.01 * rng.normal(size=len(text))  # a depth unit
    h[:, 1] = -depth  # one that falls with depth
    h[:, 4] = 0.5  # a unit that never moves
    reading = UnitReading(text, h, None, np.zeros((len(text), 1), np.int64), np.ones((50, 1)))
    scores = feature_scores(reading, "brackets")
    assert np.argsort(-np.abs(scores))[:2].tolist() == [1, 3]
    assert scores[1] == pytest.approx(-1.0)
    assert scores[3] > 0.9
    assert scores[4] == 0.0
    with pytest.raises(ValueError, match="cell state"):
        feature_scores(reading, "brackets", state="c")
    with pytest.raises(ValueError, match="feature must be one of"):
        feature_scores(reading, "commas")


# ---------------------------------------------------------------------------------------------
# Bad texts
# ---------------------------------------------------------------------------------------------


def test_texts_it_cannot_learn_from_are_refused_clearly(tmp_path):
    with pytest.raises(ValueError, match="distinct"):
        Trainer("text", text="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    binary = tmp_path / "weights.bin"
    binary.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(ValueError, match="UTF-8"):
        Trainer("text", text=binary)
    with pytest.raises(ValueError, match="bptt_steps=50 needs at least"):
        Trainer("text", text="short text, a few words\n")
    with pytest.raises(ValueError, match="corpus must be one of"):
        Trainer("text", corpus="shakespeare")
