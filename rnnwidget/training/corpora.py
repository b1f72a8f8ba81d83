"""Text for a character-level language model: the characters, where the text comes from, and how
it is cut into truncated-BPTT batches (Karpathy's min-char-rnn, with several streams at once).

A character model reads one character x_t per step and predicts the next, x_{t+1}: its loss is the
mean cross-entropy ``-log2 p(x_{t+1} | x_1 ... x_t)`` in bits per character.

- :class:`Vocabulary`: the sorted distinct characters; a character is its index in that string.
- :func:`load_text`: the user's own text, given as the text itself or as a UTF-8 file, read in
  bounded memory (at most ``max_chars`` characters) and checked (not empty, not binary, at least
  two distinct characters: with one there is nothing to predict).
- :func:`corpus`: three built-in texts that need no download, each teaching one thing:
  ``"python"`` (the standard library's own source: indentation, brackets, quotes), ``"brackets"``
  (nested brackets: a unit must count depth) and ``"markov"`` (a known Markov chain whose entropy
  rate, the best loss any model can reach, is computed exactly by :func:`entropy_rate_bits`).
- :class:`TextData`: a training part and a held-out validation tail, and the batches: ``batch_size``
  parallel streams, each a contiguous slice of the training part, read ``bptt_steps`` characters
  at a time, so the hidden state carried from one chunk to the next has really seen what came
  before.
"""

from __future__ import annotations

import bisect
import os
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from .._checks import finite_float, positive_int

__all__ = [
    "CORPORA",
    "Corpus",
    "Indices",
    "MarkovChain",
    "Text",
    "TextData",
    "Vocabulary",
    "corpus",
    "entropy_rate_bits",
    "load_text",
    "markov_chain",
    "one_hot",
    "stationary_distribution",
]

Indices = NDArray[np.int64]
CORPORA = ("python", "brackets", "markov")
DEFAULT_SIZES = {"python": 1_000_000, "brackets": 500_000, "markov": 500_000}
MAX_PATH_CHARS = 4096  # a str at least this long, or with a newline, is always text


# ---------------------------------------------------------------------------------------------
# The characters
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """The characters a model reads and predicts: ``chars[i]`` is character number ``i``.

    Args:
        chars: the distinct characters in sorted order (as :meth:`of` builds it).
    """

    chars: str

    def __post_init__(self) -> None:
        if not isinstance(self.chars, str) or not self.chars:
            raise ValueError(f"chars must be a non-empty str; got {self.chars!r}")
        if "".join(sorted(set(self.chars))) != self.chars:
            raise ValueError(f"chars must be distinct and sorted; got {self.chars!r}")

    @classmethod
    def of(cls, text: str) -> Vocabulary:
        """The vocabulary of every character that occurs in ``text``."""
        return cls("".join(sorted(set(text))))

    @property
    def size(self) -> int:
        """V, the number of characters: the width of a one-hot input and of the softmax."""
        return len(self.chars)

    def __contains__(self, char: object) -> bool:
        return isinstance(char, str) and len(char) == 1 and char in self.chars

    def _codes(self) -> NDArray[np.uint32]:
        return np.array([ord(c) for c in self.chars], dtype=np.uint32)  # sorted, as chars is

    def encode(self, text: str) -> Indices:
        """The index of every character of ``text``: int64 ``(len(text),)``."""
        points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
        codes = self._codes()
        indices = np.searchsorted(codes, points).astype(np.int64)
        unknown = (indices == self.size) | (codes[np.minimum(indices, self.size - 1)] != points)
        if unknown.any():
            at = int(np.argmax(unknown))
            raise ValueError(
                f"character {text[at]!r} at position {at} is not in the vocabulary of "
                f"{self.size} characters {self.chars!r}"
            )
        return indices

    def decode(self, indices: ArrayLike) -> str:
        """The text whose characters have these indices (any shape, read in C order)."""
        points = self._codes()[_indices(indices, self.size).ravel()]
        return points.astype("<u4").tobytes().decode("utf-32-le")


def _indices(indices: ArrayLike, size: int) -> Indices:
    array = np.asarray(indices)
    if array.size and (
        not np.issubdtype(array.dtype, np.integer) or array.min() < 0 or array.max() >= size
    ):
        raise ValueError(f"indices must be integers in 0 ... {size - 1}; got {array!r}")
    return array.astype(np.int64)


def one_hot(indices: ArrayLike, size: int, dtype: DTypeLike = np.float64) -> NDArray[Any]:
    """``x[..., i] = 1`` where ``indices[...] == i``: shape ``indices.shape + (size,)``."""
    size = positive_int("size", size)
    return np.eye(size, dtype=dtype)[_indices(indices, size)]


# ---------------------------------------------------------------------------------------------
# The user's text
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A loaded text. ``source`` is the file's path, or ``"<text>"`` when the text was passed
    itself; ``truncated`` says that only the first ``max_chars`` characters were kept."""

    text: str
    source: str
    truncated: bool


def load_text(source: str | os.PathLike[str], *, max_chars: int = 2_000_000) -> Text:
    """The text to train on, from the text itself or from a UTF-8 file, cut to ``max_chars``.

    Which is which: a ``pathlib.Path`` (any ``os.PathLike``) is a file. A ``str`` is a file name
    when it has no newline, is shorter than 4096 characters and names an existing file; it is
    rejected when, by the same test, it names a directory, or when it has no whitespace, looks
    like a path (a ``/`` or a suffix such as ``.txt``) and no such file exists (a mistyped name
    would otherwise become the training text). Any other ``str`` is the text itself.

    A file is read in text mode (``\\r\\n`` becomes ``\\n``, a UTF-8 byte-order mark is dropped),
    never more than ``max_chars`` characters, so a huge file costs neither time nor memory.

    Raises:
        TypeError: ``source`` is neither a str nor a path.
        FileNotFoundError: the file does not exist.
        ValueError: a directory, a binary file (not UTF-8, or NUL bytes), an empty text, or a
            text with fewer than 2 distinct characters (there would be nothing to predict).
    """
    max_chars = positive_int("max_chars", max_chars)
    if isinstance(source, str) and not _names_a_path(source):
        text, truncated, name = source[:max_chars], len(source) > max_chars, "<text>"
    elif isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        if isinstance(source, str) and not os.path.exists(source):
            raise FileNotFoundError(
                f"no such file: {source!r} (a one-word str that looks like a path is read as a "
                "file name, not as the text)"
            )
        text, truncated = _read_file(Path(source), max_chars)
    else:
        raise TypeError(
            f"source must be the text (str) or a path to a UTF-8 file; got {type(source).__name__}"
        )
    if not text:
        raise ValueError(f"the text from {name} is empty")
    if len(set(text)) < 2:
        raise ValueError(
            f"the text from {name} has a single distinct character ({text[0]!r}): there is "
            "nothing to predict; give a text with at least 2 distinct characters"
        )
    return Text(text=text, source=name, truncated=truncated)


def _names_a_path(source: str) -> bool:
    if "\n" in source or len(source) >= MAX_PATH_CHARS or not source:
        return False
    if os.path.exists(source):
        return True  # a file is read; a directory is refused by _read_file
    looks_like_path = "/" in source or os.sep in source or Path(source).suffix != ""
    return looks_like_path and not any(c.isspace() for c in source)


def _read_file(path: Path, max_chars: int) -> tuple[str, bool]:
    if path.is_dir():
        raise ValueError(f"{path} is a directory; give a text file or the text itself")
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        with path.open(encoding="utf-8-sig") as file:
            text = file.read(max_chars)
            truncated = bool(file.read(1))
    except UnicodeDecodeError as err:
        raise ValueError(f"{path} must be UTF-8 text; it is not ({err.reason})") from None
    if "\0" in text:
        raise ValueError(f"{path} must be UTF-8 text; it holds NUL bytes (a binary file?)")
    return text, truncated


# ---------------------------------------------------------------------------------------------
# Built-in corpora
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """A built-in text and what it teaches. ``entropy_rate`` is the exact entropy rate of the
    process that wrote the text, in bits per character, where it is known (``"markov"``): no
    model can reach a lower validation loss on average."""

    name: str
    text: str
    description: str
    entropy_rate: float | None = None


@dataclass(frozen=True, eq=False)
class MarkovChain:
    """An order-k Markov chain over characters: the next character depends on the last k only.

    A state s is a k-gram, numbered in base V with the oldest character most significant
    (s = sum_i alphabet.index(c_i) V^(k-i)). ``transitions`` ``(V**k, V)`` holds
    ``P[s, j] = p(next = alphabet[j] | last k = s)``, every row summing to 1.
    """

    alphabet: str
    order: int
    transitions: NDArray[np.float64]

    @property
    def state_matrix(self) -> NDArray[np.float64]:
        """``(V**k, V**k)``: the chain over k-grams, state s followed by j goes to
        ``(s V + j) mod V**k``. For k = 1 this is ``transitions`` itself."""
        states, v = self.transitions.shape
        rows = np.repeat(np.arange(states), v)
        matrix = np.zeros((states, states))
        matrix[rows, (rows * v + np.tile(np.arange(v), states)) % states] = self.transitions.ravel()
        return matrix

    @property
    def entropy_rate(self) -> float:
        """H in bits per character, :func:`entropy_rate_bits` of :attr:`state_matrix`."""
        return entropy_rate_bits(self.state_matrix)

    def sample(self, length: int, rng: np.random.Generator) -> str:
        """``length`` characters of the chain, the first k-gram drawn from the stationary
        distribution (so the whole text is stationary)."""
        v, k = len(self.alphabet), self.order
        if positive_int("length", length) < k:
            raise ValueError(f"length must be at least the order {k}; got {length}")
        states = v**k
        state = int(rng.choice(states, p=stationary_distribution(self.state_matrix)))
        out = [state // v ** (k - 1 - i) % v for i in range(k)]
        cumulative = np.cumsum(self.transitions, axis=1)
        cumulative[:, -1] = 1.0
        rows = cumulative.tolist()
        for u in rng.random(length - k).tolist():  # inverse CDF: the first j with F_sj > u
            j = bisect.bisect_right(rows[state], u)
            out.append(j)
            state = (state * v + j) % states
        return "".join(self.alphabet[j] for j in out)


def markov_chain(
    alphabet: str = " aeilnorst", *, order: int = 2, concentration: float = 0.3, seed: int = 0
) -> MarkovChain:
    """A random order-``order`` chain: each row of transitions drawn from a symmetric
    Dirichlet(``concentration``). Below 1 the rows are peaked (a few likely successors per
    k-gram), so the entropy rate lies well below ``log2(V)``: about 2 bits of 3.3 with the
    defaults."""
    if len(set(alphabet)) != len(alphabet) or len(alphabet) < 2:
        raise ValueError(f"alphabet must hold at least 2 distinct characters; got {alphabet!r}")
    order = positive_int("order", order)
    concentration = finite_float("concentration", concentration, low=0.0, open_low=True)
    rng = np.random.default_rng(seed)
    v = len(alphabet)
    return MarkovChain(alphabet, order, rng.dirichlet(np.full(v, concentration), size=v**order))


def _stochastic(matrix: ArrayLike) -> NDArray[np.float64]:
    p = np.asarray(matrix, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] != p.shape[1] or p.size == 0:
        raise ValueError(f"transitions must be a square matrix; got shape {p.shape}")
    if not np.isfinite(p).all() or (p < 0).any() or not np.allclose(p.sum(axis=1), 1.0):
        raise ValueError("transitions must hold probabilities >= 0 whose every row sums to 1")
    return p


def stationary_distribution(matrix: ArrayLike) -> NDArray[np.float64]:
    """pi ``(n,)`` with ``pi P = pi`` and ``sum(pi) = 1``, for a row-stochastic ``(n, n)`` P.
    Solved as the linear system ``[P^T - I; 1 ... 1] pi = [0 ... 0; 1]``; a ValueError when the
    solution is not unique (the chain falls apart into parts that never reach each other)."""
    p = _stochastic(matrix)
    n = p.shape[0]
    system = np.vstack([p.T - np.eye(n), np.ones((1, n))])
    if np.linalg.matrix_rank(system) < n:
        raise ValueError("the chain is not irreducible: its stationary distribution is not unique")
    pi, *_ = np.linalg.lstsq(system, np.r_[np.zeros(n), 1.0], rcond=None)
    pi = np.clip(pi, 0.0, None)
    return np.asarray(pi / pi.sum(), dtype=np.float64)


def entropy_rate_bits(transitions: ArrayLike) -> float:
    """The entropy rate of a stationary Markov chain, in bits per step:

        H = -sum_s pi_s sum_j P_sj log2 P_sj,

    each state's next-step entropy weighted by how often the chain is in that state (pi, the
    stationary distribution). ``transitions`` is the row-stochastic ``(n, n)`` matrix P (for an
    order-k character chain, :attr:`MarkovChain.state_matrix`). Terms with P_sj = 0 count 0."""
    p = _stochastic(transitions)
    logs = np.log2(p, out=np.zeros_like(p), where=p > 0)
    return float(-stationary_distribution(p) @ (p * logs).sum(axis=1))


# Pure-Python modules every CPython 3.10+ ships, read in this order before any other.
STDLIB_MODULES = (
    "textwrap.py", "string.py", "fractions.py", "heapq.py", "bisect.py", "abc.py", "colorsys.py",
    "copy.py", "keyword.py", "numbers.py", "operator.py", "queue.py", "shlex.py", "fnmatch.py",
    "glob.py", "graphlib.py", "sched.py", "reprlib.py", "calendar.py", "contextlib.py",
    "pprint.py", "random.py", "statistics.py", "weakref.py", "tokenize.py", "functools.py",
    "dataclasses.py", "ast.py", "enum.py", "difflib.py", "argparse.py", "typing.py", "inspect.py",
)  # fmt: skip


def _python_source(size: int) -> str:
    """The standard library's own source, whole lines of printable ASCII, at most ``size``."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    listed = [stdlib / name for name in STDLIB_MODULES]
    paths = [p for p in listed if p.is_file()]
    paths += [p for p in sorted(stdlib.glob("*.py")) if p not in listed]
    lines: list[str] = []
    total = 0
    for path in paths:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.expandtabs()
            if not (line.isascii() and line.isprintable()):
                continue  # keeps V <= 96: the printable ASCII characters and the newline
            if total + len(line) + 1 > size:
                return "\n".join(lines) + "\n"
            lines.append(line)
            total += len(line) + 1
    if not lines:
        raise FileNotFoundError(f"no Python source found in the standard library at {stdlib}")
    return "\n".join(lines) + "\n"


BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"), ("<", ">"))
WORDS = ("a", "an", "cat", "dog", "is", "it", "on", "red", "sat", "the", "up", "we")


def _brackets(size: int, rng: np.random.Generator, max_depth: int = 4) -> str:
    """Lines of 1-3 items; an item is a word or (with probability 1/2, until brackets are nested
    ``max_depth`` deep) a bracket of a random kind holding 1-3 items: ``the (cat [is <up>] we)``."""

    def pick(n: int) -> int:
        return int(rng.random() * n)

    def item(depth: int) -> str:
        if depth >= max_depth or rng.random() < 0.5:
            return WORDS[pick(len(WORDS))]
        opening, closing = BRACKETS[pick(len(BRACKETS))]
        return opening + " ".join(item(depth + 1) for _ in range(1 + pick(3))) + closing

    lines: list[str] = []
    total = 0
    while True:
        line = " ".join(item(0) for _ in range(1 + pick(3)))
        if total + len(line) + 1 > size:
            return "\n".join(lines) + "\n"
        lines.append(line)
        total += len(line) + 1


DESCRIPTIONS = {
    "python": "Python's standard library source, read from this installation. A model must learn "
    "indentation after a colon, keywords such as def and return, and to close brackets and quotes.",
    "brackets": "Words inside nested brackets of four kinds, one expression per line. To close "
    "each bracket with the right kind, a unit must count the depth and remember what is open.",
    "markov": "Text from a known order-2 Markov chain over 10 characters. The entropy rate is the "
    "lowest loss any model can reach, so the validation loss can be read against it.",
}


def corpus(name: str, *, size: int | None = None, seed: int = 0) -> Corpus:
    """A built-in corpus: one of :data:`CORPORA`, at most ``size`` characters (default
    :data:`DEFAULT_SIZES`, at least 1000; ``"python"`` and ``"brackets"`` end on a whole line,
    ``"markov"`` has exactly ``size``), the same text for the same ``seed`` (``"python"`` reads
    no seed: its text depends only on the installed Python version)."""
    if name not in CORPORA:
        raise ValueError(f"corpus must be one of {CORPORA}; got {name!r}")
    size = positive_int("size", DEFAULT_SIZES[name] if size is None else size)
    if size < 1000:
        raise ValueError(f"size must be at least 1000 characters; got {size}")
    if name == "python":
        return Corpus(name, _python_source(size), DESCRIPTIONS[name])
    if name == "brackets":
        return Corpus(name, _brackets(size, np.random.default_rng(seed)), DESCRIPTIONS[name])
    chain = markov_chain(seed=seed)
    text = chain.sample(size, np.random.default_rng(seed))
    return Corpus(name, text, DESCRIPTIONS[name], entropy_rate=chain.entropy_rate)


# ---------------------------------------------------------------------------------------------
# Training and validation batches
# ---------------------------------------------------------------------------------------------


class TextData:
    """A text split into a training part and a held-out validation tail, served as truncated-BPTT
    batches.

    The last ``validation_fraction`` of the text (at least ``bptt_steps + 1`` characters, at most
    ``max_validation_chars``) is the validation part; the rest trains. Being the tail, not a
    random sample, the validation text shares no passage with the training text.

    Training batches (:meth:`next_batch`): the N - 1 (input, target) pairs of the training part
    ``c_1 ... c_N`` are cut into ``batch_size`` streams of ``span = (N - 1) // batch_size`` pairs,
    stream b starting at pair ``b * span``. Each call returns the next ``bptt_steps`` pairs of
    every stream::

        inputs[b, t]  = c[b * span + k * bptt_steps + t]      (k: the chunk number)
        targets[b, t] = c[b * span + k * bptt_steps + t + 1]  (the next character)

    so ``inputs[:, 0]`` of a chunk is ``targets[:, -1]`` of the one before, and a hidden state
    carried across calls continues each stream. After ``span // bptt_steps`` chunks the streams
    start again (the last ``span % bptt_steps`` pairs of each are skipped), and ``reset`` says to
    zero the carried state.

    Args:
        text: the whole text (e.g. ``load_text(...).text`` or ``corpus(...).text``).
        bptt_steps: the window the split must allow: one training and one validation window.
        validation_fraction: the share of the text held out, in (0, 1).
        max_validation_chars: the most characters held out, whatever the fraction.
    """

    def __init__(
        self,
        text: str,
        *,
        bptt_steps: int = 25,
        validation_fraction: float = 0.1,
        max_validation_chars: int = 50_000,
    ) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text must be a str; got {type(text).__name__}")
        bptt_steps = positive_int("bptt_steps", bptt_steps)
        fraction = finite_float("validation_fraction", validation_fraction, low=0.0, open_low=True)
        if fraction >= 1.0:
            raise ValueError(f"validation_fraction must be below 1; got {validation_fraction!r}")
        cap = positive_int("max_validation_chars", max_validation_chars)
        window = bptt_steps + 1  # T inputs and their T targets
        held_out = max(window, min(round(fraction * len(text)), cap))
        if len(text) - held_out < window:
            raise ValueError(
                f"the text has {len(text)} characters; bptt_steps={bptt_steps} needs at least "
                f"{held_out + window}: {window} to train on and {held_out} held out"
            )
        self.vocabulary = Vocabulary.of(text)
        self.train_text = text[:-held_out]
        self.validation_text = text[-held_out:]
        self.train: Indices = self.vocabulary.encode(self.train_text)
        self.validation: Indices = self.vocabulary.encode(self.validation_text)
        self._layout = (0, 0)  # (batch_size, bptt_steps) of the current pass
        self._chunk = 0  # the next chunk of the current pass
        self.epoch = 0  # completed passes over the streams

    def next_batch(self, batch_size: int, bptt_steps: int) -> tuple[Indices, Indices, bool]:
        """``(inputs, targets, reset)``: int64 ``(batch_size, bptt_steps)`` each, and True when
        this chunk starts the streams from their beginning (the first call, after a wrap, or
        after ``batch_size`` or ``bptt_steps`` changed), when the carried state must be zeroed."""
        layout = (positive_int("batch_size", batch_size), positive_int("bptt_steps", bptt_steps))
        span = (len(self.train) - 1) // batch_size
        if span < bptt_steps:
            raise ValueError(
                f"the training part has {len(self.train)} characters: too short for "
                f"batch_size={batch_size} streams of bptt_steps={bptt_steps} (each needs "
                f"{bptt_steps + 1}); lower batch_size or bptt_steps"
            )
        if layout != self._layout:
            self._layout, self._chunk = layout, 0
        elif self._chunk == span // bptt_steps:
            self._chunk, self.epoch = 0, self.epoch + 1
        reset = self._chunk == 0
        starts = np.arange(batch_size) * span + self._chunk * bptt_steps
        positions = starts[:, np.newaxis] + np.arange(bptt_steps)  # (batch_size, bptt_steps)
        self._chunk += 1
        return self.train[positions], self.train[positions + 1], reset

    def validation_batches(
        self, bptt_steps: int, batch_size: int = 1, *, max_chars: int | None = None
    ) -> list[tuple[Indices, Indices]]:
        """The validation text as consecutive chunks ``(inputs, targets)``, int64
        ``(batch_size, T)`` with T = ``bptt_steps`` except for a shorter last chunk, for an
        evaluation that carries the state from one chunk to the next (starting from zero).
        With ``batch_size = 1`` they hold every (input, target) pair of the validation text once;
        with more streams, the last ``(M - 1) % batch_size`` pairs of its M characters are left
        out. ``max_chars`` reads only the validation text's first ``max_chars`` characters."""
        bptt_steps = positive_int("bptt_steps", bptt_steps)
        validation = self.validation if max_chars is None else self.validation[:max_chars]
        span = (len(validation) - 1) // positive_int("batch_size", batch_size)
        if span < 1:
            raise ValueError(
                f"the validation part has {len(validation)} characters: too few for "
                f"batch_size={batch_size} streams"
            )
        chunks = []
        for start in range(0, span, bptt_steps):
            steps = np.arange(start, min(start + bptt_steps, span))
            positions = np.arange(batch_size)[:, np.newaxis] * span + steps
            chunks.append((validation[positions], validation[positions + 1]))
        return chunks
