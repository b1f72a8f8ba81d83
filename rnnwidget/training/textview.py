"""What RNNTrainer shows of a language model (``task="text"``) besides its charts: what the
network writes, and one unit read over the held-out text.

The kernel computes and words it all; the browser draws it (``js/trainer/textview.js``). It
travels inside the trainer's one snapshot message (``_progress``): the words under
``_progress["text"]``, the numbers as float32 buffers beside the curves in
``_progress["arrays"]``:

- ``text["sample"]``: :data:`SAMPLE_CHARS` characters the network writes at the
  ``temperature`` setting, from the run's seed (the same draw, so the class watches one text
  improve), ``text["sample_shown"]``, the same as the box shows it (:func:`shown_sample`: long
  runs of spaces or blank lines written as their count, so the box always shows text), and
  ``text["sample_title"]``.
- ``text["reading"]``: :data:`READING_CHARS` characters of the held-out text
  (:func:`reading_window`: from the start of a paragraph, so the network reads from a zero
  state where a passage begins);
  ``arrays["text_activation"]`` ``(L,)``: the chosen unit's activation after each (its hidden
  state ``h`` or, for an LSTM, its cell state ``c``); ``text["guesses"]``: the model's
  :data:`TOP` likeliest next characters after each, ``L * TOP`` characters in one string, and
  ``arrays["text_probabilities"]`` ``(L * TOP,)`` their probabilities.
- ``text["units"]``: ``[[unit, label], ...]`` every unit, ordered by how strongly it follows
  the chosen feature (``|r|``, the correlation of :func:`~.language.feature_scores`, over the
  window's first :data:`SCORED_CHARS` characters), each
  labelled like ``"unit 17 · r = +0.82"``.
- ``text["colours"]``: the colour scale of the activation: the palette, the table's role
  (diverging, as the explorer's state heatmaps) and ``vmin``/``vmax``, with its labels.
- ``text["revision"]``: changes when any of this was computed anew: a view rebuilds its
  characters only then, not on every snapshot.

Sampling costs tens of milliseconds: while training runs it is redone at most once every
:data:`REFRESH_SECONDS`, under the training loop's lock (between two steps); a setting of this
view (the temperature, the unit, the feature) redoes it at once.
"""

from __future__ import annotations

import logging
import math
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import traitlets

from .._traits import BoundedFloat, BoundedInt, Choice
from .._wire import encode_array
from .corpora import load_text
from .language import FEATURES, NextCharacter, feature_scores
from .trainer import Trainer

__all__ = [
    "CORPUS_LABELS",
    "READING_CHARS",
    "REFRESH_SECONDS",
    "SAMPLE_CHARS",
    "SCORED_CHARS",
    "STATE_LABELS",
    "TOP",
    "TextSettings",
    "TextView",
    "checked_text",
    "reading_window",
    "short_text",
    "shown_sample",
]

SAMPLE_CHARS = 300
READING_CHARS = 600
#: Characters the units' scores are measured over (the first READING_CHARS are shown).
SCORED_CHARS = 2000
TOP = 3
REFRESH_SECONDS = 1.0
#: The longest run of spaces, and of blank lines, the sample box shows as it is; a longer one
#: is written as its mark and count. A network early in learning Python source writes hundreds
#: of spaces in a row, which would fill the box with nothing.
LONGEST_SPACES = 8
LONGEST_BLANK_LINES = 2

_TIMES = "\u00d7"  # the multiplication sign of a count
_SPACES = re.compile(f" {{{LONGEST_SPACES + 1},}}")
_BLANK_LINES = re.compile(f"\n{{{LONGEST_BLANK_LINES + 2},}}")


def shown_sample(sample: str) -> str:
    """``sample`` as the view's box shows it: every character but the long runs of spaces and
    of blank lines, each written as its mark and count of characters (250 spaces as "␣" and
    "×250", a run of 40 newlines as "↵" and "×40" on a line of its own), so that what the
    network wrote besides them is always in view. Newlines stay newlines."""  # noqa: RUF002
    text = _SPACES.sub(lambda run: f" ␣{_TIMES}{len(run.group())} ", sample)
    return _BLANK_LINES.sub(lambda run: f"\n↵{_TIMES}{len(run.group())}\n", text)


#: How the view names each built-in corpus.
CORPUS_LABELS = {"python": "Python source", "brackets": "Nested brackets", "markov": "Markov chain"}

#: How the view names the state a unit is read from.
STATE_LABELS = {"h": "Hidden state h", "c": "Cell state c (LSTM)"}

#: Characters a guess shows by name (they would be invisible or ambiguous).
CHAR_NAMES = {"\n": "↵ newline", " ": "␣ space", "\t": "⇥ tab"}


class TextSettings(traitlets.HasTraits):
    """The settings of what RNNTrainer shows of a text (the run is untouched by them)."""

    units: int  # the widget's network size: ``unit`` must name one of its units

    temperature = BoundedFloat(
        0.8,
        0.0,
        2.0,
        help="How boldly the network writes its sample: each character is drawn from "
        "softmax(y / temperature). 0 always takes the likeliest character; 1 follows the "
        "model; higher is wilder.",
    ).tag(sync=True, label="Temperature", step=0.05, digits=2)
    unit = BoundedInt(
        -1,
        -1,
        127,
        help="The unit whose activation colours the held-out text (below units); -1, the "
        "default: whichever follows the chosen feature most strongly now.",
    ).tag(sync=True, label="Unit", view=False)  # the view's select lists the units by score
    unit_state = Choice(
        ("h", "c"),
        "h",
        help="Which state of the unit colours the text: the hidden state h, or the LSTM's cell "
        "state c (its memory, unbounded).",
    ).tag(sync=True, label="State", labels=STATE_LABELS)
    feature = Choice(
        tuple(FEATURES),
        "brackets",
        help="The feature of the text the units are sorted by: those whose activation "
        "correlates most with it (|r|) come first.",
    ).tag(
        sync=True,
        label="Sort units by",
        labels={name: label for name, (label, _) in FEATURES.items()},
    )

    @traitlets.validate("unit")
    def _check_unit(self, proposal: dict[str, Any]) -> int:
        unit: int = proposal["value"]
        if unit >= self.units:
            raise traitlets.TraitError(
                f"unit must be a whole number from -1 (the strongest) to {self.units - 1} (the "
                f"network has {self.units} units); got {unit!r} (int)"
            )
        return unit


@dataclass(frozen=True, eq=False)
class _Shown:
    """What the view shows now, and what it was computed from."""

    task: NextCharacter
    steps: int
    settings: tuple[Any, ...]
    at: float
    words: dict[str, Any]
    arrays: dict[str, Any]


class TextView:
    """The sample and the unit reading of a language model, recomputed when they are stale.

    :meth:`snapshot` is called for every published snapshot, holding the widget's lock; it
    recomputes (taking the training loop's lock through ``locked``) when the run, its step
    count or a setting changed, at most once per :data:`REFRESH_SECONDS` while training runs.

    Args:
        clock: seconds on a clock that never goes back (by default ``time.monotonic``), read
            to space the refreshes.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._shown: _Shown | None = None
        self._revision = 0

    def snapshot(
        self,
        locked: Any,
        task: NextCharacter,
        *,
        steps: int,
        running: bool,
        settings: dict[str, Any],
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(words, arrays)`` to add to the payload. ``locked()`` is the training loop's
        context manager yielding the trainer; ``settings`` the widget's ``temperature``,
        ``unit``, ``state``, ``feature``, ``seed``, ``source`` and ``cell``."""
        key = tuple(settings[name] for name in sorted(settings))
        shown = self._shown
        fresh = (
            shown is not None
            and shown.task is task
            and shown.settings == key
            and (shown.steps == steps or (running and self._clock() - shown.at < REFRESH_SECONDS))
        )
        if not fresh:
            with locked() as trainer:
                if trainer.task is task:  # not a run that replaced the snapshot's meanwhile
                    try:
                        words, arrays = _compute(trainer, settings, self._revision + 1)
                    except Exception:  # the charts go out all the same, with the last text
                        logging.getLogger(__name__).exception("the text view failed")
                    else:
                        self._revision += 1
                        self._shown = _Shown(task, trainer.steps, key, self._clock(), words, arrays)
        if self._shown is None or self._shown.task is not task:
            return {}, {}
        return self._shown.words, self._shown.arrays


def _compute(
    trainer: Trainer, settings: dict[str, Any], revision: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The sample, the reading and their words, from the trainer as it is (its lock held)."""
    task = trainer.task
    assert isinstance(task, NextCharacter)
    temperature, seed, feature = settings["temperature"], settings["seed"], settings["feature"]
    state = settings["state"] if trainer.cell == "lstm" else "h"
    units = trainer.rnn.units
    sample = trainer.sample(SAMPLE_CHARS, temperature=temperature, seed=seed)
    reading = trainer.read_units(reading_window(task), top=TOP)
    activations = reading.c if state == "c" and reading.c is not None else reading.h
    scores = feature_scores(reading, feature, state=state)
    order = np.argsort(-np.abs(scores), kind="stable")
    requested = settings["unit"]  # -1: the strongest, whichever it is now
    unit = int(order[0]) if requested < 0 else min(requested, units - 1)
    # whichever unit is strongest now; its r follows in its own entry (the select is narrow)
    strongest = f"best: unit {int(order[0])}"
    shown = slice(0, READING_CHARS)  # the states of a text's start are the same read alone
    activation = np.asarray(activations[shown, unit], dtype=np.float64)
    # A cell state is unbounded: a symmetric scale around 0; h has tanh's range (o tanh(c) too).
    limit = max(float(np.max(np.abs(activation))), 1e-6) if state == "c" else 1.0
    symbol = state
    guesses = task.vocabulary.decode(reading.guesses[shown].ravel())
    feature_label = FEATURES[feature][0]
    temperature_words = (
        "temperature 0: always the likeliest character"
        if temperature == 0
        else f"temperature {temperature:.2f}"
    )
    words = {
        "revision": revision,
        "source": _source_words(task, settings["source"]),
        "sample_title": f"What the network writes at step {trainer.steps:,} "
        f"({temperature_words}, seed {seed})",
        "sample": sample,
        "sample_shown": shown_sample(sample),
        "reading_title": f"Unit {unit}'s {STATE_LABELS[state].split(' (')[0].lower()} over "
        "the held-out text",
        "reading_hint": "Colour: the unit's activation after each character. Hover a "
        "character, or focus the text and use the arrow keys, for the model's top "
        f"{TOP} guesses of the next one.",
        "reading_label": f"Held-out text coloured by {symbol}[{unit}]",
        "reading": reading.text[shown],
        "guesses": guesses,
        "top": TOP,
        "guesses_heading": "Likeliest next characters:",
        "value_name": f"{symbol}[{unit}]",
        "char_names": dict(CHAR_NAMES),
        "unit": -1 if requested < 0 else unit,  # what the select shows
        "unit_label": f"Unit (sorted by |r| with {feature_label.lower()})",
        "units": [
            [-1, strongest],
            *([int(u), f"unit {int(u)} · r = {_signed(scores[u])}"] for u in order),
        ],
        "colours": {
            "palette": "standard",
            "role": "diverging",
            "vmin": -limit,
            "vmax": limit,
            "labels": [f"{symbol}[{unit}] = {_signed(-limit)}", "0", _signed(limit)],
        },
    }
    arrays = {
        "text_activation": encode_array(activation),
        "text_probabilities": encode_array(reading.probabilities[shown].ravel()),
    }
    return words, arrays


def reading_window(task: NextCharacter) -> str:
    """The held-out text the units are read over, :data:`SCORED_CHARS` characters: from the
    first paragraph (after a blank line) that starts within its first 5,000 characters, else
    from its first line start there, else from its start. The held-out tail is cut at a fixed
    place, often mid-passage (the Python corpus: in a docstring)."""
    text = task.data.validation_text
    blank = text.find("\n\n", 0, 5000)
    start = blank + 2 if blank >= 0 else text.find("\n", 0, 5000) + 1  # 0 when there is none
    while start < len(text) - 1 and text[start] == "\n":
        start += 1
    if len(text) - start < min(len(text), READING_CHARS):  # too near the end: from the start
        start = 0
    return text[start : start + SCORED_CHARS]


def _signed(value: float) -> str:
    """``+0.82``, ``-0.10``, ``0.00`` (no sign on zero)."""
    text = f"{value:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text.replace("-", "−")  # noqa: RUF001


def _source_words(task: NextCharacter, corpus_name: str | None) -> str:
    """What the run reads: the built-in corpus and what it teaches, or the user's text."""
    size = len(task.data.train_text) + len(task.data.validation_text)
    counts = (
        f"{size:,} characters ({len(task.data.validation_text):,} held out), "
        f"{task.vocabulary.size} distinct"
    )
    if corpus_name is not None:
        line = f"Text: {CORPUS_LABELS[corpus_name]}, {counts}. {task.description}"
        if task.entropy_rate is not None:
            line += f" Entropy rate: {task.entropy_rate:.2f} bits/char."
        return line
    where = "the text given" if task.source == "<text>" else task.source
    cut = ", cut to its start" if task.truncated else ""
    return f"Text: {where}{cut}, {counts}. Chance: {math.log2(task.vocabulary.size):.2f} bits/char."


def checked_text(value: Any) -> str | os.PathLike[str] | None:
    """``text`` as given, once it loads (:func:`~.corpora.load_text`): None, a text or a path.
    A ``ValueError`` (``FileNotFoundError``, ``TypeError``) names what is wrong with it."""
    if value is not None:
        load_text(value)
    return value  # type: ignore[no-any-return]


def short_text(text: str | os.PathLike[str]) -> str:
    """A text for a repr: a path as it is, a long text cut with its length."""
    if not isinstance(text, str) or len(text) <= 40 or ("\n" not in text and os.path.isfile(text)):
        return repr(text)
    return f"{text[:30]!r}... ({len(text):,} characters)"
