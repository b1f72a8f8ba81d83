"""RNNTrainer learning to write (``task="text"``): its settings and their refusals, the knobs a
text reads and those it does not, and what the view receives: the sample, the unit reading,
the units sorted by a feature, the loss in bits per character.

Every number the view shows is checked against the Trainer's own methods (``sample``,
``read_units``) and :func:`~rnnwidget.training.language.feature_scores`, computed here again."""

from __future__ import annotations

import base64
import io
import math
import re
import time

import numpy as np
import pytest
import traitlets

from rnnwidget import RNNTrainer
from rnnwidget._wire import decode_array
from rnnwidget.training import textview
from rnnwidget.training.language import FEATURES, feature_scores

SMALL = {"task": "text", "corpus": "brackets", "units": 12, "batch_size": 8, "bptt_steps": 20}
DEADLINE = 30.0


@pytest.fixture
def writer():
    w = RNNTrainer(**SMALL)
    yield w
    w.close()


def text_of(w):
    return w._progress["text"]


def arrays_of(w):
    return {name: decode_array(a) for name, a in w._progress["arrays"].items()}


def wait_until(condition, what):
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {DEADLINE} s: {what}")
        time.sleep(0.001)


# -- settings ------------------------------------------------------------------------------------


def test_the_text_knobs_come_from_the_kernel():
    w = RNNTrainer(units=4)
    try:
        specs = {spec["name"]: spec for spec in w._knobs}
        assert dict(specs["task"]["options"])["text"] == "Write text (char-RNN)"
        assert specs["corpus"]["label"] == "Text"
        assert dict(specs["corpus"]["options"]) == {
            "python": "Python source",
            "brackets": "Nested brackets",
            "markov": "Markov chain",
        }
        bptt = specs["bptt_steps"]
        assert (bptt["label"], bptt["min"], bptt["max"]) == ("BPTT steps", 5, 200)
        temperature = specs["temperature"]
        assert (temperature["label"], temperature["min"], temperature["max"]) == (
            "Temperature",
            0.0,
            2.0,
        )
        assert "0 always takes the likeliest character" in temperature["help"]
        assert (w.temperature, w.bptt_steps) == (0.8, 50)
        assert dict(specs["feature"]["options"]) == {k: v[0] for k, v in FEATURES.items()}
        assert "unit" not in specs  # the view lists the units by score, from the payload
    finally:
        w.close()


def test_a_text_hides_the_memory_tasks_knobs_and_the_other_way_round(writer):
    w = writer
    assert {"lag", "seq_len", "unit_state"} <= set(w._inactive)  # an Elman cell has no c
    assert not {"corpus", "bptt_steps", "temperature", "feature"} & set(w._inactive)
    w.cell = "lstm"
    assert "unit_state" not in w._inactive
    w.task = "recall"
    text = {"corpus", "bptt_steps", "temperature", "unit", "unit_state", "feature"}
    assert text <= set(w._inactive)
    assert "text" not in w._progress  # nothing of a text for a memory task


def test_a_setting_of_the_other_kind_of_task_starts_nothing_new(writer):
    w = writer
    w.run(3)
    w.lag = 40  # a text reads no lag
    assert w.steps == 3
    w.task = "adding"
    w.run(2)
    w.corpus = "markov"  # the adding problem reads no corpus
    w.bptt_steps = 30
    assert w.steps == 2


@pytest.mark.parametrize(("name", "value"), [("corpus", "markov"), ("bptt_steps", 30)])
def test_corpus_and_bptt_steps_start_a_new_run_on_them(writer, name, value):
    w = writer
    w.run(3)
    setattr(w, name, value)
    assert w.steps == 0
    task = w.trainer.task
    assert (task.source, task.bptt_steps) == (w.corpus, w.bptt_steps)
    size = len(task.data.train_text) + len(task.data.validation_text)
    label = textview.CORPUS_LABELS[w.corpus]
    assert text_of(w)["source"].startswith(f"Text: {label}, {size:,} characters")


BAD = {
    "temperature": ([-0.01, 2.01, math.nan, math.inf, "0.5", True, None], "from 0 to 2"),
    "unit": ([-2, 12, 128, 1.0, "3"], "from -1"),
    "unit_state": (["C", "cell", 0, None], "'h', 'c'"),
    "feature": (["commas", "", None], "'brackets', 'line', 'quotes'"),
    "corpus": (["java", None], "'python', 'brackets', 'markov'"),
    "bptt_steps": ([4, 201, 10.0], "from 5 to 200"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_text_settings_are_refused_and_the_view_keeps_its_state(writer, name):
    w = writer
    w.run(3)
    values, allowed = BAD[name]
    before, trainer, shown = getattr(w, name), w.trainer, dict(text_of(w))
    for value in values:
        with pytest.raises(traitlets.TraitError, match=allowed) as err:
            setattr(w, name, value)
        assert name in str(err.value)
        assert w.error == str(err.value)
        assert getattr(w, name) == before
        assert (w.trainer, w.steps) == (trainer, 3)
        assert text_of(w) == shown  # the same sample and reading


def test_a_unit_past_a_smaller_network_is_refused_naming_its_size(writer):
    w = writer
    match = r"from -1 \(the strongest\) to 11 \(the network has 12 units\)"
    with pytest.raises(traitlets.TraitError, match=match):
        w.unit = 12
    w.unit = 11
    w.units = 5  # the chosen unit would be gone: the last one of the new network
    assert w.unit == 4
    assert text_of(w)["unit"] == 4
    assert text_of(w)["value_name"] == "h[4]"


# -- the text the run reads ----------------------------------------------------------------------


def test_a_text_to_train_on_is_a_keyword_and_an_attribute_not_a_synced_trait(tmp_path):
    path = tmp_path / "poem.txt"
    path.write_text("the cat sat on the mat, and the dog sat on the log.\n" * 60)
    w = RNNTrainer(task="text", text=str(path), units=8, batch_size=4)
    try:
        assert "text" not in w.keys  # never sent to the browser
        assert w.text == str(path)
        assert w.trainer.task.source == str(path)
        assert "corpus" in w._inactive  # the text given wins over the corpus
        assert text_of(w)["source"].startswith(f"Text: {path}, 3,120 characters")
        assert f"text={str(path)!r}" in repr(w)
        trainer = w.trainer
        w.corpus = "markov"  # inactive: nothing new
        assert w.trainer is trainer
        w.text = "A string to learn from, with some letters in it. " * 40
        assert w.trainer.task.source == "<text>"
        assert text_of(w)["source"].startswith("Text: the text given, 1,960 characters")
        assert "text='A string to learn from, with s'... (1,960 characters)" in repr(w)
        w.text = None  # back to the built-in corpus
        assert w.trainer.task.source == "markov"
        assert "corpus" not in w._inactive
    finally:
        w.close()


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("aaaaaaaa", ValueError, "single distinct character"),
        ("", ValueError, "is empty"),
        ("ab" * 20, ValueError, "bptt_steps=50 needs at least"),
        ("missing/file.txt", FileNotFoundError, "no such file"),
        (42, TypeError, "the text \\(str\\) or a path"),
    ],
)
def test_a_text_that_cannot_train_is_refused_by_the_constructor(text, error, message):
    with pytest.raises(error, match=message):
        RNNTrainer(task="text", text=text, units=4)


def test_setting_a_bad_text_changes_nothing(writer):
    w = writer
    w.run(2)
    trainer, shown = w.trainer, dict(text_of(w))
    for bad in ("x" * 100, "ab"):
        with pytest.raises(ValueError, match=r"distinct character|needs at least"):
            w.text = bad
        assert w.text is None
        assert (w.trainer, w.steps) == (trainer, 2)
        assert text_of(w) == shown
        assert w.error.startswith("text: ")  # the view says why, too


# -- what the view receives ----------------------------------------------------------------------


def test_the_sample_is_the_trainers_own_from_the_vocabulary(writer):
    w = writer
    w.run(30)
    text = text_of(w)
    expected = w.trainer.sample(textview.SAMPLE_CHARS, temperature=w.temperature, seed=w.seed)
    assert text["sample"] == expected
    assert len(text["sample"]) == textview.SAMPLE_CHARS
    assert set(text["sample"]) <= set(w.trainer.task.vocabulary.chars)
    assert text["sample_title"] == (
        f"What the network writes at step 30 (temperature 0.80, seed {w.seed})"
    )


@pytest.mark.parametrize("cell", ["elman", "lstm"])
def test_the_reading_is_the_chosen_units_activation_with_the_models_guesses(cell):
    w = RNNTrainer(**{**SMALL, "cell": cell, "unit": 5, "feature": "line"})
    try:
        w.run(20)
        text, arrays = text_of(w), arrays_of(w)
        window = textview.reading_window(w.trainer.task)
        assert window in w.trainer.task.data.validation_text
        held_out = window[: textview.READING_CHARS]
        reading = w.trainer.read_units(held_out, top=textview.TOP)
        assert text["reading"] == held_out
        np.testing.assert_allclose(arrays["text_activation"], reading.h[:, 5], atol=1e-6)
        vocabulary = w.trainer.task.vocabulary
        assert text["guesses"] == vocabulary.decode(reading.guesses.ravel())
        assert len(text["guesses"]) == textview.TOP * len(held_out)
        np.testing.assert_allclose(
            arrays["text_probabilities"], reading.probabilities.ravel(), atol=1e-6
        )
        assert text["colours"] | {"labels": None} == {
            "palette": "standard",
            "role": "diverging",
            "vmin": -1.0,
            "vmax": 1.0,
            "labels": None,
        }
        if cell == "lstm":
            w.unit_state = "c"  # the cell state: unbounded, on a scale as wide as its values
            arrays, text = arrays_of(w), text_of(w)
            np.testing.assert_allclose(arrays["text_activation"], reading.c[:, 5], atol=1e-6)
            limit = float(np.max(np.abs(reading.c[:, 5])))
            assert text["colours"]["vmax"] == pytest.approx(limit)
            assert text["colours"]["vmin"] == pytest.approx(-limit)
            assert text["value_name"] == "c[5]"
    finally:
        w.close()


@pytest.mark.parametrize(
    ("feature", "corpus"), [("brackets", "brackets"), ("line", "brackets"), ("quotes", "python")]
)
def test_the_units_are_ordered_by_how_strongly_they_follow_the_feature(writer, feature, corpus):
    w = writer
    w.corpus = corpus  # a text with the feature in it
    w.run(40)
    w.feature = feature
    window = textview.reading_window(w.trainer.task)
    assert len(window) == textview.SCORED_CHARS
    reading = w.trainer.read_units(window, top=textview.TOP)
    scores = feature_scores(reading, feature)
    (first, strongest), *units = text_of(w)["units"]
    order = [unit for unit, _ in units]
    assert sorted(order) == list(range(w.units))
    strengths = np.abs(scores[order])
    assert np.all(np.diff(strengths) <= 1e-12)  # strongest first
    assert strengths[0] == pytest.approx(np.max(np.abs(scores)))
    top, label = units[0]
    assert abs(scores[top]) > 0.05
    sign = "+" if scores[top] > 0 else "−"  # noqa: RUF001
    assert label == f"unit {top} · r = {sign}{abs(scores[top]):.2f}"
    # the default, -1, reads whichever unit is strongest now, and says which
    assert (first, w.unit, text_of(w)["unit"]) == (-1, -1, -1)
    assert strongest == f"best: unit {top}"
    assert text_of(w)["value_name"] == f"h[{top}]"
    assert text_of(w)["unit_label"] == f"Unit (sorted by |r| with {FEATURES[feature][0].lower()})"


def test_a_new_temperature_writes_anew_at_once(writer):
    w = writer
    w.run(40)
    before = text_of(w)
    w.temperature = 0.0
    after = text_of(w)
    assert after["revision"] > before["revision"]
    assert after["sample"] == w.trainer.sample(textview.SAMPLE_CHARS, temperature=0.0, seed=0)
    assert after["sample"] != before["sample"]
    assert "temperature 0: always the likeliest character" in after["sample_title"]
    assert w.steps == 40  # the run is untouched


def test_a_browser_moving_the_temperature_gets_a_new_sample_in_the_acknowledging_update(writer):
    w = writer
    w.run(40)
    before = text_of(w)["sample"]
    w._handle_msg(
        {"content": {"data": {"method": "update", "state": {"temperature": 1.7, "_request": 3}}}}
    )
    assert (w.temperature, w._ack, w.error) == (1.7, 3, "")
    assert text_of(w)["sample"] == w.trainer.sample(textview.SAMPLE_CHARS, temperature=1.7, seed=0)
    assert text_of(w)["sample"] != before


class Clock:
    """Seconds that pass only when the test moves them (what a TextView reads to space its
    refreshes)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def written_at(text):
    """The step count a sample's title says it was written at."""
    return int(re.search(r"at step ([\d,]+) ", text["sample_title"]).group(1).replace(",", ""))


def test_while_training_runs_the_sample_is_rewritten_once_a_second_not_on_every_snapshot(writer):
    w = writer
    # A clock on which every training step takes a quarter of a second, and a snapshot after
    # every step: the sample is due again every fourth step.
    w._text_view = textview.TextView(clock=lambda: 0.25 * w.trainer.steps)
    w._loop.interval = 0.0
    every = round(textview.REFRESH_SECONDS / 0.25)
    shown = []
    w.observe(lambda change: shown.append(change["new"]), "_progress")
    w.run(14)
    running = [progress for progress in shown if progress["status"] == "running"]
    assert [progress["steps"] for progress in running] == list(range(1, 15))
    assert [written_at(progress["text"]) for progress in running] == [
        steps - steps % every for steps in range(1, 15)
    ]  # step 0's sample until step 4, step 4's until step 8, ...
    # Paused, the sample is of the run as it stopped.
    assert (shown[-1]["status"], written_at(shown[-1]["text"])) == ("paused", 14)


def test_the_text_view_recomputes_only_when_stale():
    """A snapshot while running reuses a sample less than REFRESH_SECONDS old; a new step count
    when paused, or a changed setting, recomputes at once."""
    w = RNNTrainer(**SMALL)
    try:
        clock = Clock()
        view, loop = textview.TextView(clock=clock), w._loop
        task = w.trainer.task
        settings = {"temperature": 0.8, "unit": 0, "state": "h", "feature": "brackets",
                    "seed": 0, "source": "brackets"}  # fmt: skip

        def snapshot(steps, running, settings=settings):
            return view.snapshot(loop.locked, task, steps=steps, running=running,
                                 settings=settings)[0]  # fmt: skip

        first = snapshot(0, running=True)
        w.run(5)
        clock.now = textview.REFRESH_SECONDS - 0.001
        assert snapshot(5, running=True) is first  # fresh enough while running
        paused = snapshot(5, running=False)
        assert paused["revision"] > first["revision"]
        assert written_at(paused) == 5
        clock.now += 60
        assert snapshot(5, running=False) is paused  # the same steps: nothing new to write
        hotter = {**settings, "temperature": 1.5}
        new = snapshot(5, running=True, settings=hotter)
        assert new["revision"] > paused["revision"]
        w.run(5)
        assert snapshot(10, running=True, settings=hotter) is new  # written 0 s ago
        clock.now += textview.REFRESH_SECONDS
        due = snapshot(10, running=True, settings=hotter)
        assert due["revision"] > new["revision"]
        assert written_at(due) == 10
    finally:
        w.close()


# -- the words and charts of a text --------------------------------------------------------------


def test_the_loss_is_in_bits_per_character_against_chance(writer):
    w = writer
    w.run(30)
    vocabulary = w.trainer.task.vocabulary.size
    chance = math.log2(vocabulary)
    loss = w._progress["charts"]["loss"]
    assert (loss["title"], loss["axis_label"], loss["scale"]) == (
        "Loss in bits per character",
        "bits/char",
        "linear",
    )
    assert loss["references"] == [{"value": pytest.approx(chance), "label": f"chance {chance:.2f}"}]
    arrays, history = arrays_of(w), w.history()
    assert "log10_loss" not in arrays
    np.testing.assert_allclose(arrays["loss_bits"], history.loss / math.log(2), rtol=1e-6)
    np.testing.assert_allclose(arrays["val_loss_bits"], history.val_loss / math.log(2), rtol=1e-6)
    line = w._progress["line"]
    assert f"{history.loss[-1] / math.log(2):.2f} bits/char (chance {chance:.2f})" in line
    assert (
        f"validation {history.val_loss[-1] / math.log(2):.2f} bits/char, next-character "
        f"accuracy {100 * history.val_accuracy[-1]:.0f}% (step 25)" in line
    )
    accuracy = w._progress["charts"]["accuracy"]
    assert accuracy["title"] == "Next-character accuracy on the held-out text"
    assert accuracy["references"][0]["label"] == f"chance {100 / vocabulary:.1f}%"


def test_the_markov_corpus_draws_its_entropy_rate():
    w = RNNTrainer(task="text", corpus="markov", units=4, batch_size=4)
    try:
        rate = w.trainer.task.entropy_rate
        references = w._progress["charts"]["loss"]["references"]
        assert references[1] == {"value": rate, "label": f"entropy rate {rate:.2f}"}
        assert f"Entropy rate: {rate:.2f} bits/char." in text_of(w)["source"]
        assert "(chance 3.32)" in w._progress["line"]  # ten characters: log2 10
    finally:
        w.close()


def test_the_learns_to_write_preset(writer):
    w = writer
    w.apply_preset("writes")
    assert (w.task, w.corpus, w.cell, w.units, w.gate_init) == ("text", "python", "lstm", 128,
                                                                "chrono")  # fmt: skip
    assert (w.trainer.task.source, w.trainer.rnn.units) == ("python", 128)
    assert len(text_of(w)["units"]) == 1 + 128  # the strongest, then every unit


def test_the_saved_notebook_picture_shows_the_sample(writer):
    from PIL import Image

    w = writer
    w.run(30)
    data, _ = w._repr_mimebundle_()
    image = Image.open(io.BytesIO(base64.b64decode(data["image/png"], validate=True)))
    assert image.width == 880
    assert image.height > 1000  # the charts and, below, the sample
    memory = RNNTrainer(units=4)
    try:
        data, _ = memory._repr_mimebundle_()
        plain = Image.open(io.BytesIO(base64.b64decode(data["image/png"], validate=True)))
        assert plain.height < 900
    finally:
        memory.close()


def test_a_failing_text_view_leaves_the_charts_and_the_last_text(writer, monkeypatch):
    """An error while sampling (a fault injected here) must not stop the snapshots: the worker
    thread publishes them."""
    w = writer
    w.run(5)
    shown = text_of(w)

    def broken(*args, **kwargs):
        raise RuntimeError("injected")

    monkeypatch.setattr(textview, "_compute", broken)
    w.run(5)
    assert w._progress["steps"] == 10
    assert text_of(w) == shown  # the last good text
    w.start()
    try:
        wait_until(lambda: w._progress["steps"] > 20, "the worker publishing past step 20")
    finally:
        w.pause()
    monkeypatch.undo()
    w.temperature = 1.0
    assert text_of(w)["revision"] > shown["revision"]
