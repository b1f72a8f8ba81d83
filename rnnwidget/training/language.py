"""A character-level language model: the task of predicting the next character, writing with a
trained network, and reading one unit's activation over the text.

The model is the trainer's cell with a read-out on *every* state (Keras's
``return_sequences``): one softmax over the vocabulary per step, for one chunk of
``bptt_steps`` characters of each of N parallel streams::

    x_t = onehot(c_t)                          (N, T, V)     V: the vocabulary's size
    h_t = cell(x_t, h_{t-1})                   (N, T, units) from the state carried in
    y_t = W_hy h_t + b_y                       (N, T, V)
    L = -(1 / (N T)) sum_{n,t} log softmax(y_t)[c_{t+1}]      nats; / ln 2: bits per character

Truncated BPTT (as min-char-rnn's ``hprev``): the state at the end of a chunk starts the next
one, so the network reads the streams without a break, but the gradient stops at the chunk's
first step, ``bptt_steps`` back. A network that learned nothing scores ``log2 V`` bits per
character (the uniform guess).

- :class:`NextCharacter`: the task (:func:`~.tasks.make_task` ``"text"``): the text, its
  vocabulary and its batches (:class:`~.corpora.TextData`).
- :func:`sample`: write ``n`` characters, at a temperature, from a seed.
- :func:`read_units`: every unit's activation after each character of a text, and the model's
  top guesses for the next one: the view that finds a unit tracking quotes or brackets.
- :func:`feature_scores`: how strongly each unit follows a feature of the text (bracket depth,
  position in the line, inside a string), as a correlation.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from .._checks import finite_float, positive_int
from ..cells.elman import Array
from ..cells.lstm import LSTMTrace
from .corpora import Indices, TextData, Vocabulary, corpus, load_text, one_hot

__all__ = [
    "FEATURES",
    "NextCharacter",
    "UnitReading",
    "feature_scores",
    "read_units",
    "sample",
]

#: Characters of validation text an evaluation reads (in ``VALIDATION_STREAMS`` streams).
VALIDATION_CHARS = 16_384
VALIDATION_STREAMS = 32


class NextCharacter:
    """Predict the next character of a text, ``bptt_steps`` characters per chunk.

    Args:
        text: the text itself, or a path to a UTF-8 file (:func:`~.corpora.load_text`: read up
            to 2,000,000 characters), or None for the built-in ``corpus``.
        corpus: the built-in corpus when ``text`` is None: ``"python"`` (the standard library's
            source, from this installation), ``"brackets"`` or ``"markov"``
            (:func:`~.corpora.corpus` says what each teaches).
        bptt_steps: the characters per chunk, how far back the gradient reaches.
        seed: the built-in generated corpora's seed.

    The last tenth of the text (at most 50,000 characters) is held out; an evaluation reads the
    first :data:`VALIDATION_CHARS` of it, carrying the state across its chunks.
    """

    loss: ClassVar[Literal["cross_entropy"]] = "cross_entropy"
    every_step: ClassVar[bool] = True  # a prediction, and a loss, at every step

    def __init__(
        self,
        text: str | os.PathLike[str] | None = None,
        *,
        corpus_name: str = "python",
        bptt_steps: int = 50,
        seed: int = 0,
    ) -> None:
        self.bptt_steps = positive_int("bptt_steps", bptt_steps)
        if text is None:
            built_in = corpus(corpus_name, seed=seed)  # refuses a name not in CORPORA
            self.source, self.description = corpus_name, built_in.description
            self.entropy_rate = built_in.entropy_rate
            content, self.truncated = built_in.text, False
        else:
            loaded = load_text(text)
            self.source, self.description, self.entropy_rate = loaded.source, "", None
            content, self.truncated = loaded.text, loaded.truncated
        self.data = TextData(content, bptt_steps=self.bptt_steps)
        self.vocabulary: Vocabulary = self.data.vocabulary

    def __repr__(self) -> str:
        return (
            f"NextCharacter(source={self.source!r}, characters={len(self.data.train_text):,} + "
            f"{len(self.data.validation_text):,} held out, vocabulary={self.vocabulary.size}, "
            f"bptt_steps={self.bptt_steps})"
        )

    @property
    def timesteps(self) -> int:
        return self.bptt_steps

    @property
    def features(self) -> int:
        """One channel per character: x_t is one-hot."""
        return self.vocabulary.size

    @property
    def outputs(self) -> int:
        """One logit per character."""
        return self.vocabulary.size

    @property
    def chance_loss(self) -> float:
        """``ln V`` nats (``log2 V`` bits) per character: the uniform guess."""
        return math.log(self.vocabulary.size)

    @property
    def chance_accuracy(self) -> float:
        return 1.0 / self.vocabulary.size

    def next_batch(self, batch_size: int, dtype: Any) -> tuple[Array, Indices, bool]:
        """The next chunk of every stream: one-hot ``x`` ``(batch_size, bptt_steps, V)``, the
        next characters ``(batch_size, bptt_steps)``, and whether the streams started over
        (the carried state must then be zeroed)."""
        inputs, targets, reset = self.data.next_batch(batch_size, self.bptt_steps)
        return one_hot(inputs, self.vocabulary.size, dtype), targets, reset

    def sample(self, batch_size: int, rng: np.random.Generator) -> tuple[Array, Indices]:
        """``batch_size`` windows of the training text at random places: one-hot ``x`` and the
        next characters. A batch for a look at the gradient, not for training."""
        train = self.data.train
        starts = rng.integers(0, len(train) - self.bptt_steps, size=positive_int("n", batch_size))
        positions = starts[:, np.newaxis] + np.arange(self.bptt_steps)
        return one_hot(train[positions], self.vocabulary.size), train[positions + 1]

    def validation_chunks(self) -> list[tuple[Indices, Indices]]:
        """The start of the held-out text in :data:`VALIDATION_STREAMS` streams, as chunks of
        ``bptt_steps`` characters (the last may be shorter)."""
        held_out = min(len(self.data.validation), VALIDATION_CHARS)
        streams = max(1, min(VALIDATION_STREAMS, (held_out - 1) // self.bptt_steps))
        return self.data.validation_batches(self.bptt_steps, streams, max_chars=VALIDATION_CHARS)

    def accuracy(self, y: Array, targets: NDArray[Any]) -> float:
        """The fraction of characters whose highest logit (``y`` ``(..., V)``) is the next one."""
        return float(np.mean(np.argmax(y, axis=-1) == targets))


# ---------------------------------------------------------------------------------------------
# Writing and reading
# ---------------------------------------------------------------------------------------------

#: One step of a trained network: ``step(x, states) -> (logits, states)`` for one-hot ``x``
#: ``(1, 1, V)``; ``states`` is the cell's ``(h,)`` or ``(h, c)``, ``()`` at the start.
Step = Callable[[Array, tuple[Array, ...]], tuple[Array, tuple[Array, ...]]]


def final_states(trace: Any) -> tuple[Array, ...]:
    """What a chunk hands on to the next: ``(h_T,)``, and ``c_T`` too for an LSTM."""
    if isinstance(trace, LSTMTrace):
        return (trace.final_state, trace.final_cell)
    return (trace.final_state,)


def sample(
    step: Step,
    vocabulary: Vocabulary,
    n: int,
    *,
    temperature: float = 1.0,
    prime: str = "",
    seed: int | None = 0,
) -> str:
    """``prime`` followed by ``n`` characters the network writes, one at a time, each drawn from
    ``softmax(y_t / temperature)`` and fed back as the next input.

    ``temperature`` 1 draws from the model's own distribution; lower is bolder (its likeliest
    characters only), 0 always takes the likeliest (the argmax: the same text for every seed),
    higher is wilder. The network reads ``prime`` first (every character must be in the
    vocabulary); with no prime it starts after a newline (or the vocabulary's first character,
    if the text has no newline). The same seed gives the same text.
    """
    n = positive_int("n", n)
    temperature = finite_float("temperature", temperature, low=0.0)
    if not isinstance(prime, str):
        raise ValueError(f"prime must be a str; got {type(prime).__name__}")
    start = prime if prime else ("\n" if "\n" in vocabulary else vocabulary.chars[0])
    codes = list(vocabulary.encode(start))  # a ValueError names a character it lacks
    rng = np.random.default_rng(seed)
    states: tuple[Array, ...] = ()
    logits = np.zeros(0)
    for code in codes:  # read the prime
        logits, states = step(_one_hot_step(code, vocabulary.size), states)
    written = []
    for _ in range(n):
        code = _draw(logits, temperature, rng)
        written.append(code)
        logits, states = step(_one_hot_step(code, vocabulary.size), states)
    return prime + vocabulary.decode(np.array(written, dtype=np.int64))


def _one_hot_step(code: int, size: int) -> Array:
    x = np.zeros((1, 1, size))
    x[0, 0, code] = 1.0
    return x


def _draw(logits: Array, temperature: float, rng: np.random.Generator) -> int:
    """A character index from ``softmax(logits / temperature)``; the argmax at temperature 0."""
    logits = np.asarray(logits, dtype=np.float64).ravel()
    if temperature == 0.0:
        return int(np.argmax(logits))
    scaled = (logits - logits.max()) / temperature  # the largest is 0: exp cannot overflow
    p = np.exp(scaled)
    cumulative = np.cumsum(p)
    return int(min(np.searchsorted(cumulative, rng.random() * cumulative[-1]), len(p) - 1))


@dataclass(frozen=True, eq=False)
class UnitReading:
    """A network reading a text: what every unit holds after each character, and what it
    expects next.

    Attributes:
        text: the text read, L characters.
        h: the hidden state after each character, ``(L, units)``; ``h[t]`` has read
            ``text[: t + 1]`` and predicts ``text[t + 1]``.
        c: the LSTM's cell state the same way, ``(L, units)``; None for the other cells.
        guesses: the model's likeliest next characters after each character, ``(L, k)``
            indices into the vocabulary, likeliest first.
        probabilities: their probabilities, ``(L, k)``.
    """

    text: str
    h: Array
    c: Array | None
    guesses: Indices
    probabilities: Array


def read_units(
    forward: Callable[[Array], tuple[Any, Array]],
    vocabulary: Vocabulary,
    text: str,
    *,
    top: int = 3,
) -> UnitReading:
    """Run the network over ``text`` from a zero state (``forward(x) -> (trace, logits)`` for
    one-hot ``x`` ``(1, L, V)``) and keep every state and the ``top`` next-character guesses."""
    if not text:
        raise ValueError("text must hold at least one character")
    codes = vocabulary.encode(text)
    trace, logits = forward(one_hot(codes[np.newaxis], vocabulary.size))
    logits = np.asarray(logits[0], dtype=np.float64)  # (L, V)
    k = min(positive_int("top", top), vocabulary.size)
    guesses = np.argsort(-logits, axis=1, kind="stable")[:, :k]
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)
    cell = trace.c[0] if isinstance(trace, LSTMTrace) else None
    return UnitReading(
        text=text,
        h=trace.h[0],
        c=cell,
        guesses=guesses,
        probabilities=np.take_along_axis(p, guesses, axis=1),
    )


# ---------------------------------------------------------------------------------------------
# Features a unit may follow
# ---------------------------------------------------------------------------------------------

_OPEN, _CLOSE = "([{", ")]}"


def bracket_depth(text: str) -> Array:
    """How many brackets ``( [ {`` are open after each character (never below 0); brackets
    inside quotes (:func:`inside_quotes`) are text, not structure, and do not count."""
    quoted = inside_quotes(text)
    depth, out = 0, np.empty(len(text))
    for i, char in enumerate(text):
        if quoted[i]:
            pass
        elif char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        out[i] = depth
    return out


def line_position(text: str) -> Array:
    """The column of each character: 0 for a newline, 1 for the first character after it."""
    column, out = 0, np.empty(len(text))
    for i, char in enumerate(text):
        column = 0 if char == "\n" else column + 1
        out[i] = column
    return out


def inside_quotes(text: str) -> Array:
    """1 after an opening quote (``'`` or ``"``) up to its closing one on the same line, else 0."""
    quote, out = "", np.empty(len(text))
    for i, char in enumerate(text):
        if char == "\n":
            quote = ""
        elif quote and char == quote:
            quote = ""
            out[i] = 1.0  # the closing quote still belongs to the string
            continue
        elif not quote and char in "'\"":
            quote = char
        out[i] = 1.0 if quote else 0.0
    return out


#: The features :func:`feature_scores` measures, by name, with the words the view shows.
FEATURES: dict[str, tuple[str, Callable[[str], Array]]] = {
    "brackets": ("Bracket depth", bracket_depth),
    "line": ("Position in the line", line_position),
    "quotes": ("Inside quotes", inside_quotes),
}


def feature_scores(reading: UnitReading, feature: str, *, state: str = "h") -> Array:
    """The correlation of every unit's activation with ``feature`` (a key of
    :data:`FEATURES`) over the text read, ``(units,)`` in [-1, 1]; 0 where the unit or the
    feature does not vary. Sort by its absolute value to find the units that follow it."""
    if feature not in FEATURES:
        raise ValueError(f"feature must be one of {tuple(FEATURES)}; got {feature!r}")
    values = FEATURES[feature][1](reading.text)
    activations = reading.c if state == "c" else reading.h
    if activations is None:
        raise ValueError("state='c' reads an LSTM's cell state; this network has none")
    a = np.asarray(activations, dtype=np.float64)
    a = a - a.mean(axis=0)
    f = values - values.mean()
    spread = np.sqrt((a * a).sum(axis=0) * (f @ f))
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(spread > 0, (f @ a) / spread, 0.0)
    return np.asarray(scores, dtype=np.float64)
