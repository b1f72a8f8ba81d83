"""Demo input sequences: shapes, content, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from rnnwidget.cells import inputs


@pytest.mark.parametrize("kind", inputs.INPUT_KINDS)
def test_every_kind_has_the_rnn_input_shape(kind):
    x = inputs.make_input(kind, timesteps=37, features=4, seed=1)
    assert x.shape == (1, 37, 4)
    assert np.isfinite(x).all()


def test_impulse_is_one_kick_then_silence():
    x = inputs.impulse(10, 3, batch_size=2)
    np.testing.assert_array_equal(x[:, 0], 1.0)
    np.testing.assert_array_equal(x[:, 1:], 0.0)
    assert inputs.impulse(10, 1, at=4)[0, 4, 0] == 1.0
    with pytest.raises(ValueError, match=r"at must be a step index in \[0, 9\]"):
        inputs.impulse(10, 1, at=10)


def test_noise_is_seeded():
    first, again = inputs.white_noise(5, 2, seed=3), inputs.white_noise(5, 2, seed=3)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, inputs.white_noise(5, 2, seed=4))


def test_sine_features_are_slower_and_slower_waves():
    x = inputs.sine(80, 3, period=20)[0]
    np.testing.assert_allclose(x[:, 0], np.sin(2 * np.pi * np.arange(80) / 20), atol=1e-12)
    crossings = [np.sum(np.diff(np.sign(x[1:, f])) != 0) for f in range(3)]
    assert crossings[0] > crossings[1] > crossings[2]


def test_tokenize_splits_words_and_punctuation():
    words = inputs.tokenize("The cat sat on the mat.")
    assert words == ["The", "cat", "sat", "on", "the", "mat", "."]
    assert inputs.tokenize("  ") == []


def test_a_word_has_one_vector_whatever_its_case_and_process():
    a = inputs.word_vector("The", 6)
    np.testing.assert_array_equal(a, inputs.word_vector("the", 6))
    assert not np.array_equal(a, inputs.word_vector("cat", 6))
    assert not np.array_equal(a, inputs.word_vector("the", 6, seed=1))


def test_sentence_is_its_words_then_silence():
    x = inputs.sentence("The cat sat on the mat", features=4, timesteps=9)
    assert x.shape == (1, 9, 4)
    np.testing.assert_array_equal(x[0, 1], inputs.word_vector("cat", 4))
    np.testing.assert_array_equal(x[0, 0], x[0, 4])  # "The" and "the"
    np.testing.assert_array_equal(x[0, 6:], 0.0)
    assert inputs.sentence("The cat sat", features=2).shape == (1, 3, 2)
    assert inputs.sentence("The cat sat", features=2, timesteps=2).shape == (1, 2, 2)


def test_shuffled_words_give_the_same_bag_but_a_different_sequence():
    original = inputs.sentence("The cat sat on the mat")
    shuffled = inputs.sentence("mat the on sat cat The")
    np.testing.assert_allclose(original.mean(axis=1), shuffled.mean(axis=1))
    assert not np.array_equal(original, shuffled)


def test_bad_requests_are_refused():
    with pytest.raises(ValueError, match="kind must be one of impulse, noise, sine, sentence"):
        inputs.make_input("square", 10, 2)
    with pytest.raises(ValueError, match="timesteps must be a positive integer"):
        inputs.impulse(0, 2)
    with pytest.raises(ValueError, match="at least one word"):
        inputs.sentence("   ")
