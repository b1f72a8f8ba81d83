"""Demo input sequences for the lecture, each an array of shape ``(batch_size, timesteps,
features)``.

- :func:`impulse`: one kick at t = 1, then silence: how long does the network remember it?
- :func:`white_noise`: a fresh random input every step.
- :func:`sine`: smooth periodic signals, one period per feature.
- :func:`sentence`: word vectors of a sentence, "The cat sat on the mat", then silence; the
  seed's example for why order matters.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from .._checks import positive_int
from .elman import Array

__all__ = [
    "INPUT_KINDS",
    "THE_CAT_SAT",
    "impulse",
    "make_input",
    "sentence",
    "sine",
    "tokenize",
    "white_noise",
    "word_vector",
]

THE_CAT_SAT = "The cat sat on the mat"
INPUT_KINDS = ("impulse", "noise", "sine", "sentence")


def impulse(timesteps: int, features: int = 1, *, batch_size: int = 1, at: int = 0) -> Array:
    """1 on every feature at step ``at`` (Python index, the lecture's t = at + 1), 0 elsewhere."""
    _check_sizes(timesteps, features, batch_size)
    if not 0 <= at < timesteps:
        raise ValueError(f"at must be a step index in [0, {timesteps - 1}]; got {at}")
    x = np.zeros((batch_size, timesteps, features))
    x[:, at, :] = 1.0
    return x


def white_noise(
    timesteps: int, features: int = 1, *, batch_size: int = 1, seed: int | None = 0
) -> Array:
    """Independent standard normal values at every step, seeded."""
    _check_sizes(timesteps, features, batch_size)
    return np.random.default_rng(seed).standard_normal((batch_size, timesteps, features))


def sine(timesteps: int, features: int = 1, *, batch_size: int = 1, period: float = 20.0) -> Array:
    """``sin(2 pi t / p_f)`` with period ``p_f = period * 2**(f / 2)`` for feature f = 0, 1, ...:
    every feature a slower wave than the one before. Every sequence in the batch is the same."""
    _check_sizes(timesteps, features, batch_size)
    if not period > 0:
        raise ValueError(f"period must be positive; got {period}")
    t = np.arange(timesteps)[:, np.newaxis]
    periods = period * 2.0 ** (np.arange(features) / 2)
    wave = np.sin(2 * np.pi * t / periods)  # (timesteps, features)
    return np.broadcast_to(wave, (batch_size, timesteps, features)).copy()


def tokenize(text: str) -> list[str]:
    """The words of ``text``, in order: runs of letters, digits, apostrophes and hyphens, and
    each other visible character on its own (so "mat." gives "mat" and ".")."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}")
    return re.findall(r"[\w'-]+|[^\w\s]", text)


def word_vector(word: str, features: int, *, seed: int = 0) -> Array:
    """A fixed random vector for ``word``, ``(features,)``, of unit expected squared norm per
    feature. Case-insensitive ("The" and "the" are one word) and the same in every process and
    on every machine: it is seeded by the seed and a CRC-32 of the word, not by ``hash()``."""
    key = zlib.crc32(word.lower().encode("utf-8"))
    return np.random.default_rng([seed, key]).standard_normal(features)


def sentence(
    text: str = THE_CAT_SAT,
    features: int = 4,
    *,
    timesteps: int | None = None,
    seed: int = 0,
) -> Array:
    """The word vectors of ``text``, one word per step, ``(1, timesteps, features)``.

    ``timesteps`` defaults to the number of words; a longer sequence is padded with zero vectors
    (silence after the sentence), a shorter one keeps only the first words.
    """
    words = tokenize(text)
    if not words:
        raise ValueError(f"text must hold at least one word; got {text!r}")
    timesteps = len(words) if timesteps is None else timesteps
    _check_sizes(timesteps, features, 1)
    x = np.zeros((1, timesteps, features))
    for t, word in enumerate(words[:timesteps]):
        x[0, t] = word_vector(word, features, seed=seed)
    return x


def make_input(
    kind: str, timesteps: int, features: int, *, seed: int = 0, text: str = THE_CAT_SAT
) -> Array:
    """One demo sequence by name (one of :data:`INPUT_KINDS`), ``(1, timesteps, features)``."""
    if kind == "impulse":
        return impulse(timesteps, features)
    if kind == "noise":
        return white_noise(timesteps, features, seed=seed)
    if kind == "sine":
        return sine(timesteps, features)
    if kind == "sentence":
        return sentence(text, features, timesteps=timesteps, seed=seed)
    raise ValueError(f"kind must be one of {', '.join(INPUT_KINDS)}; got {kind!r}")


def _check_sizes(timesteps: int, features: int, batch_size: int) -> None:
    positive_int("timesteps", timesteps)
    positive_int("features", features)
    positive_int("batch_size", batch_size)
