"""RNNTrainer on the Python side: validated settings, the commands, determinism against a plain
Trainer however the run is chunked, the background thread (pausing, closing, failing), the
buffers the browser draws, and a browser's messages treated as untrusted input.

No test sleeps to synchronize: a test that needs the worker to have trained polls the kernel's
state with a deadline, and a pause returns only once the step in progress is done."""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import pytest
import traitlets

from rnnwidget import RNNTrainer
from rnnwidget._wire import decode_array
from rnnwidget.formatting import format_pow10
from rnnwidget.training import Trainer, TrainingDiverged
from rnnwidget.training import widget as tw
from rnnwidget.training.loop import TrainingLoop
from rnnwidget.training.widget import LIVE_SETTINGS, MODEL_SETTINGS

DEADLINE = 30.0  # seconds a test waits for the worker to reach a state

GOOD = {
    "task": "adding",
    "lag": 17,
    "seq_len": 33,
    "corpus": "brackets",
    "bptt_steps": 20,
    "cell": "gru",
    "units": 9,
    "w_hh_scale": 0.6,
    "saturation": 1.5,
    "gate_init": "constant",
    "optimizer": "sgd",
    "seed": 7,
    "learning_rate": 0.003,
    "batch_size": 8,
    "clip": False,
    "clip_threshold": 2.5,
    "eval_every": 10,
    "max_steps": 500,
}
BAD = {
    "task": (["copy", "", 1, None], "'recall', 'adding'"),
    "lag": ([0, 201, 2.0, "10", True], "from 1 to 200"),
    "seq_len": ([1, 201, 50.5, None], "from 2 to 200"),
    "corpus": (["java", "Python", None, 0], "'python', 'brackets', 'markov'"),
    "bptt_steps": ([4, 201, 20.0, "50"], "from 5 to 200"),
    "cell": (["rnn", "LSTM", "", None, 1], "'elman', 'lstm', 'gru'"),
    "units": ([0, 129, -3, 4.0], "from 1 to 128"),
    "w_hh_scale": ([-0.01, 3.5, math.nan, math.inf, "1", False], "from 0 to 3"),
    "saturation": ([0.0, 5.01, -math.inf, []], "from 0.1 to 5"),
    "gate_init": (["chronos", "constant bias", 1.0], "'chrono', 'constant'"),
    "optimizer": (["rmsprop", "Adam", 0], "'sgd', 'adam'"),
    "seed": ([-1, 2**32, 0.5], "from 0 to 4294967295"),
    "learning_rate": ([0.0, 1e-5, 1.5, math.nan, "0.1"], "from 0.0001 to 1"),
    "batch_size": ([0, 257, 32.0], "from 1 to 256"),
    "clip": (["yes", None, 2, 1, []], "True or False"),
    "clip_threshold": ([0.0, 0.001, 101.0, math.inf], "from 0.01 to 100"),
    "eval_every": ([0, 1001, 2.5], "from 1 to 1000"),
    "max_steps": ([0, 1_000_001, 100.0], "from 1 to 1000000"),
}

SMALL = {"lag": 4, "units": 8, "batch_size": 8}  # fast runs for the tests


def wait_until(condition, what):
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {DEADLINE} s: {what}")
        time.sleep(0.001)  # polling, not synchronizing: the condition decides


def plain_trainer(widget):
    """A Trainer built from scratch with the widget's settings (each cell's own)."""
    elman = widget.cell == "elman"
    return Trainer(
        widget.task,
        lag=widget.lag,
        seq_len=widget.seq_len,
        corpus=widget.corpus,
        bptt_steps=widget.bptt_steps,
        cell=widget.cell,
        units=widget.units,
        w_hh_scale=widget.w_hh_scale if elman else None,
        saturation=widget.saturation if elman else None,
        gate_init=None if elman else widget.gate_init,
        optimizer=widget.optimizer,
        learning_rate=widget.learning_rate,
        batch_size=widget.batch_size,
        clip=widget.clip,
        clip_threshold=widget.clip_threshold,
        seed=widget.seed,
    )


def same_task(a, b):
    """Recall and Adding compare by value; a text by what it reads."""
    if a.__class__.__name__ == "NextCharacter":
        return (a.source, a.bptt_steps, a.data.train_text) == (b.source, b.bptt_steps,
                                                                b.data.train_text)  # fmt: skip
    return a == b


def sent(widget):
    """The curves as the browser receives them."""
    return {name: decode_array(a) for name, a in widget._progress["arrays"].items()}


@pytest.fixture
def trainer_widget():
    widget = RNNTrainer(**SMALL)
    yield widget
    widget.close()


# -- settings ------------------------------------------------------------------------------------


def test_a_new_widget_shows_the_untrained_network():
    w = RNNTrainer(task="recall", lag=20, w_hh_scale=0.9, units=32)
    try:
        assert (w.status, w.steps, w.error) == ("ready", 0, "")
        progress = w._progress
        loss, accuracy = progress["charts"]["loss"], progress["charts"]["accuracy"]
        assert loss["references"] == [
            {"value": pytest.approx(math.log10(math.log(4))), "label": "chance"}
        ]
        assert accuracy["references"] == [{"value": 0.25, "label": "chance 25%"}]
        untrained = 100 * w.history().val_accuracy[0]
        assert (
            progress["line"]
            == f"step 0  ·  validation accuracy {untrained:.0f}% (step 0)  ·  ready"
        )
        arrays = sent(w)
        assert arrays["log10_loss"].shape == (0,)
        np.testing.assert_array_equal(arrays["eval_step"], [0])  # evaluated before any step
        # The gradient of the untrained network reaching each step: it shrinks going back.
        norms = arrays["log10_grad_norms"]
        assert norms.shape == (22,)
        assert norms[0] < norms[-1] - 0.5
        assert w.trainer.steps == 0
    finally:
        w.close()


@pytest.mark.parametrize("name", MODEL_SETTINGS + LIVE_SETTINGS)
def test_every_setting_is_settable_in_the_constructor_and_reaches_the_trainer(name):
    w = RNNTrainer(**{name: GOOD[name]})
    try:
        assert getattr(w, name) == GOOD[name]
        reference = plain_trainer(w)
        assert w.trainer.task == reference.task
        np.testing.assert_array_equal(w.trainer.rnn.W_hh, reference.rnn.W_hh)
        assert w.trainer.optimizer.learning_rate == w.learning_rate
        assert (w.trainer.batch_size, w.trainer.clip, w.trainer.clip_threshold) == (
            w.batch_size,
            w.clip,
            w.clip_threshold,
        )
        assert (w._loop.eval_every, w._loop.max_steps) == (w.eval_every, w.max_steps)
    finally:
        w.close()


@pytest.mark.parametrize("name", list(BAD))
def test_bad_values_are_refused_naming_the_range_and_nothing_changes(trainer_widget, name):
    w = trainer_widget
    w.run(3)
    values, allowed = BAD[name]
    good, trainer = getattr(w, name), w.trainer
    for value in values:
        with pytest.raises(traitlets.TraitError, match=allowed) as err:
            setattr(w, name, value)
        assert name in str(err.value)
        assert getattr(w, name) == good
        assert w.trainer is trainer
        assert w.steps == 3
        assert w.error == str(err.value)  # the view shows it too
    setattr(w, name, GOOD[name])
    assert w.error == ""


def test_misspelt_settings_are_refused_with_a_suggestion():
    with pytest.raises(TypeError, match="'w_hh_scal'; did you mean 'w_hh_scale'"):
        RNNTrainer(w_hh_scal=1.2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'steps'"):
        RNNTrainer(steps=5)


@pytest.mark.parametrize("name", MODEL_SETTINGS)
def test_a_model_setting_starts_a_new_run_from_the_settings(trainer_widget, name):
    w = trainer_widget
    if name == "seq_len":
        w.task = "adding"
    if name == "gate_init":
        w.cell = "lstm"
    if name in ("corpus", "bptt_steps"):
        w.task = "text"
    w.run(5)
    setattr(w, name, GOOD[name])
    assert (w.steps, w.status) == (0, "ready")
    assert w.trainer.steps == 0
    reference = plain_trainer(w)
    assert same_task(w.trainer.task, reference.task)
    np.testing.assert_array_equal(w.trainer.params["W_xh"], reference.params["W_xh"])
    np.testing.assert_array_equal(w.trainer.params["W_hh"], reference.params["W_hh"])
    assert type(w.trainer.optimizer) is type(reference.optimizer)


def test_a_length_the_task_does_not_read_starts_nothing_new(trainer_widget):
    w = trainer_widget
    w.run(3)
    w.seq_len = 80  # recall reads lag, not seq_len
    assert w.steps == 3
    w.task = "adding"
    w.run(2)
    w.lag = 30
    assert w.steps == 2


@pytest.mark.parametrize("name", LIVE_SETTINGS)
def test_a_live_setting_applies_from_the_next_step_and_the_run_goes_on(trainer_widget, name):
    w = trainer_widget
    w.run(4)
    trainer = w.trainer
    setattr(w, name, GOOD[name])
    assert w.trainer is trainer
    assert w.steps == 4
    w.run(1)
    assert w.steps == 5
    assert w.trainer.optimizer.learning_rate == w.learning_rate
    assert (trainer.batch_size, trainer.clip, trainer.clip_threshold) == (
        w.batch_size,
        w.clip,
        w.clip_threshold,
    )


def test_the_clipping_threshold_is_drawn_only_while_clipping(trainer_widget):
    w = trainer_widget

    def references():
        return w._progress["charts"]["norm"]["references"]

    assert references() == [{"value": 0.0, "label": "clip threshold 1"}]
    w.clip_threshold = 0.5
    assert references() == [
        {"value": pytest.approx(math.log10(0.5)), "label": "clip threshold 0.5"}
    ]
    w.clip = False
    assert references() == []


# -- commands and determinism ---------------------------------------------------------------------


def test_the_same_settings_give_the_same_run_however_it_is_chunked():
    settings = {**SMALL, "eval_every": 5}
    reference = Trainer("recall", **{k: v for k, v in settings.items() if k != "eval_every"})
    reference.evaluate()
    for _ in range(200):
        reference.step()
        if reference.steps % 5 == 0:
            reference.evaluate()
    expected = reference.history()

    w = RNNTrainer(**settings)
    try:
        w.step()
        w._loop.interval = 0.0  # a snapshot after every step: publishing changes nothing
        w.run(6)
        w._loop.interval = 0.2
        w.start()  # some steps in the background thread...
        wait_until(lambda: w.trainer.steps >= 20, "20 steps in the background")
        w.pause()
        assert w.steps < 200, "the background ran too far for this test; raise its 200"
        w.step()
        w.run(200 - w.steps)  # ...and the rest here
        got = w.history()
    finally:
        w.close()
    np.testing.assert_array_equal(got.step, np.arange(1, 201))
    for name in ("loss", "grad_norm", "clipped", "spectral_radius", "log10_grad_norms"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), err_msg=name)
    for name in ("eval_step", "val_loss", "val_accuracy"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), err_msg=name)


def test_start_trains_in_the_background_and_pause_stops_it(trainer_widget):
    w = trainer_widget
    w.start()
    assert w.status == "running"
    assert w.running
    wait_until(lambda: w.trainer.steps >= 10, "10 steps in the background")
    w.pause()
    assert w.status == "paused"
    assert not w.running
    paused_at = w.steps
    # Once pause() returns, nothing trains: the next step here is the only one.
    assert w.trainer.steps == paused_at
    w.step()
    assert w.steps == w.trainer.steps == paused_at + 1
    assert w.status == "paused"


def test_the_worker_publishes_while_training(trainer_widget):
    w = trainer_widget
    w.start()
    wait_until(lambda: w._progress["steps"] >= 10, "a snapshot from the worker")
    rate = w._progress["line"].split("  ·  ")[1]
    assert rate.endswith(" steps/s")
    assert int(rate.split()[0].replace(",", "")) > 0
    w.pause()


def test_a_running_loop_publishes_once_per_interval_and_times_training_not_pauses():
    trainer = Trainer("recall", **SMALL)
    idle = 0.0  # seconds paused, moved by the test

    def clock():  # every training step takes a quarter of a second on this clock
        return idle + 0.25 * trainer.steps

    snapshots = []
    loop = TrainingLoop(trainer, snapshots.append, interval=1.0, clock=clock)
    try:
        loop.run(12)
        running = [progress.steps for progress in snapshots if progress.status == "running"]
        assert running == [4, 8, 12]  # one a second of training, not one a step
        last = snapshots[-1]
        assert (last.status, last.steps, last.elapsed, last.steps_per_second) == (
            "paused", 12, 3.0, 4.0
        )  # fmt: skip
        idle += 3600.0  # an hour paused
        loop.run(4)
        last = snapshots[-1]
        assert (last.steps, last.elapsed, last.steps_per_second) == (16, 4.0, 4.0)  # pauses aside
    finally:
        loop.close()


def test_background_training_pauses_at_max_steps():
    w = RNNTrainer(**SMALL, max_steps=30)
    try:
        w.start()
        wait_until(lambda: w.status == "paused", "the pause at max_steps")
        assert w.steps == w.trainer.steps == 30
        with pytest.raises(RuntimeError, match="max_steps"):
            w.start()
        w.max_steps = 40  # a live setting: the run goes on to the new limit
        w.start()
        wait_until(lambda: w.status == "paused", "the pause at the new max_steps")
        assert w.steps == 40
        w.run(5)  # a run asked for in so many steps is not limited
        assert w.steps == 45
    finally:
        w.close()


def test_run_stops_at_a_target_accuracy():
    w = RNNTrainer(lag=3, units=16, eval_every=5)
    try:
        evaluation = w.run(2000, target_accuracy=0.95)
        assert evaluation.accuracy >= 0.95
        assert w.steps == evaluation.step < 2000
        assert w.status == "paused"
    finally:
        w.close()


def test_restart_pauses_and_goes_back_to_the_same_untrained_network(trainer_widget):
    w = trainer_widget
    w.run(5)
    first_losses = w.history().loss.copy()
    w.start()
    w.restart()
    assert (w.status, w.steps, w.trainer.steps) == ("ready", 0, 0)
    w.run(5)
    np.testing.assert_array_equal(w.history().loss, first_losses)


def test_a_model_setting_while_running_starts_over_and_keeps_running(trainer_widget):
    w = trainer_widget
    w.start()
    wait_until(lambda: w.trainer.steps >= 5, "5 steps")
    w.w_hh_scale = 0.5
    assert w.status == "running"
    wait_until(lambda: w.trainer.steps >= 3, "steps of the new run")
    w.pause()
    assert w.trainer.rnn.W_hh is w.trainer.params["W_hh"]
    reference = plain_trainer(w)
    assert w.history().loss[0] == reference.step().loss


def test_close_stops_the_thread_and_the_widget(trainer_widget):
    w = trainer_widget
    w.start()
    wait_until(lambda: w.trainer.steps >= 3, "3 steps")
    thread = w._loop._thread
    w.close()
    assert not thread.is_alive()
    assert w.status == "closed"
    assert w.comm is None
    with pytest.raises(RuntimeError, match="closed"):
        w.start()


# -- failures ------------------------------------------------------------------------------------


def test_divergence_shows_in_the_view_and_stops_training():
    w = RNNTrainer(
        task="adding", seq_len=20, optimizer="sgd", learning_rate=1.0, clip=False, w_hh_scale=2.0
    )
    try:
        w.start()
        wait_until(lambda: w.status == "diverged", "the divergence")
        assert w.error.startswith("Training diverged at step")
        # What the lecturer can do about it, in the view: not "start a new Trainer".
        assert w.error.endswith("then press Restart (w.restart()) to start again.")
        assert not w.running
        steps = w.steps
        assert w.trainer.steps == steps
        with pytest.raises(RuntimeError, match="reset to start again"):
            w.start()
        with pytest.raises(RuntimeError, match="reset to start again"):
            w.run(1)
        w.clip = True  # the cure: clipping, then a new run with it
        w.restart()
        assert (w.status, w.steps, w.error, w.clip) == ("ready", 0, "", True)
        w.run(150)
        assert w.status == "paused"
    finally:
        w.close()


def test_run_raises_a_divergence_after_showing_it():
    w = RNNTrainer(
        task="adding", seq_len=20, optimizer="sgd", learning_rate=1.0, clip=False, w_hh_scale=2.0
    )
    try:
        with pytest.raises(TrainingDiverged):
            w.run(500)
        assert w.status == "diverged"
        assert "diverged" in w.error
    finally:
        w.close()


def test_an_exception_in_the_worker_shows_and_stops_training_cleanly(trainer_widget, monkeypatch):
    w = trainer_widget
    w.run(2)
    trainer = w.trainer
    real_step = trainer.step

    def failing_step():
        if trainer.steps == 6:
            raise ValueError("a bug in a step")
        return real_step()

    monkeypatch.setattr(trainer, "step", failing_step)
    w.start()
    wait_until(lambda: w.status == "failed", "the failure")
    assert w.error == (
        "Training stopped: ValueError: a bug in a step. Press Restart (w.restart()) to start again."
    )
    assert w.steps == 6
    assert w._loop._thread.is_alive()  # the worker waits for the next run
    w.reset()
    w.start()
    wait_until(lambda: w.trainer.steps >= 8, "training again after a reset")
    w.pause()


# -- the wire --------------------------------------------------------------------------------------


def test_the_buffers_decode_to_the_trainers_history(trainer_widget):
    w = trainer_widget
    w.eval_every = 7
    w.run(30)
    history = w.history()
    arrays = sent(w)
    assert len(arrays["step"]) == 30  # a point per step
    for name in ("loss", "grad_norm", "spectral_radius"):
        assert arrays[f"log10_{name}"].dtype == np.float32
        np.testing.assert_allclose(
            arrays[f"log10_{name}"], np.log10(getattr(history, name)), rtol=1e-6, atol=1e-6
        )
    np.testing.assert_array_equal(arrays["clipped"], history.clipped)
    np.testing.assert_array_equal(arrays["step"], history.step)
    np.testing.assert_array_equal(arrays["eval_step"], [0, 7, 14, 21, 28])
    np.testing.assert_allclose(arrays["val_accuracy"], history.val_accuracy, rtol=1e-6)
    np.testing.assert_allclose(arrays["log10_val_loss"], np.log10(history.val_loss), rtol=1e-6)
    np.testing.assert_allclose(arrays["log10_grad_norms"], history.log10_grad_norms[-1], rtol=1e-6)
    line = w._progress["line"]
    assert f"loss {format_pow10(math.log10(history.loss[-1]))}" in line
    assert f"validation accuracy {100 * history.val_accuracy[-1]:.0f}% (step 28)" in line


def test_a_gradient_past_float64_before_the_first_step_is_left_out(monkeypatch):
    def overflowing_backprop(self, x, targets):
        raise FloatingPointError("overflow encountered in multiply")

    monkeypatch.setattr(Trainer, "backprop", overflowing_backprop)
    w = RNNTrainer(**SMALL)
    try:
        assert "log10_grad_norms" not in w._progress["arrays"]
        assert w.status == "ready"
    finally:
        w.close()


def test_long_runs_are_averaged_over_steps_for_the_browser(trainer_widget, monkeypatch):
    monkeypatch.setattr(tw, "MAX_POINTS", 10)
    w = trainer_widget
    w.run(37)  # more than 10 * 2 points: 4 steps per point, the last point of 1 step
    history = w.history()
    arrays = sent(w)
    log10_loss = np.log10(history.loss)
    assert arrays["log10_loss"].shape == (10,)
    np.testing.assert_allclose(
        arrays["log10_loss"][:9], log10_loss[:36].reshape(9, 4).mean(axis=1), rtol=1e-6
    )
    assert arrays["log10_loss"][9] == np.float32(log10_loss[36])
    np.testing.assert_allclose(arrays["step"][:2], [2.5, 6.5])
    # The progress line names the newest step's loss exactly, not its bucket's mean.
    assert f"loss {format_pow10(math.log10(history.loss[-1]))}" in w._progress["line"]


# -- a browser's messages ------------------------------------------------------------------------


def message(data, buffers=()):
    return {"content": {"data": data}, "buffers": list(buffers)}


def test_a_browser_update_applies_together_starts_one_run_and_is_acknowledged(trainer_widget):
    w = trainer_widget
    revision = w._progress["revision"]
    w.set_state({"lag": 6, "w_hh_scale": 0.8, "learning_rate": 0.02, "_request": 9})
    assert (w.lag, w.w_hh_scale, w.learning_rate) == (6, 0.8, 0.02)
    assert w._ack == 9
    assert sent(w)["log10_grad_norms"].shape == (8,)  # lag 6: a run of 8 steps
    assert w._progress["revision"] <= revision + 2  # one new run, one live change


def test_a_refused_browser_update_changes_nothing_and_says_why(trainer_widget):
    w = trainer_widget
    w.run(2)
    w.set_state({"lag": 50, "units": 1000, "_request": 4})
    assert (w.lag, w.units, w.steps) == (4, 8, 2)
    assert "units must be a whole number from 1 to 128" in w.error
    assert w._ack == 4


def test_a_browser_cannot_set_what_the_kernel_reports(trainer_widget):
    w = trainer_widget
    progress = w._progress
    w.set_state(
        {"_progress": {}, "steps": 99, "status": "running", "error": "hacked", "_ack": 5, "x": 1}
    )
    assert w._progress is progress
    assert (w.steps, w.status, w.error, w._ack) == (0, "ready", "", 0)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"method": 3},
        {"method": "update"},
        {"method": "update", "state": [1, 2]},
        {"method": "update", "state": {"lag": 5}, "buffer_paths": [["lag"]]},
        {"method": "custom"},
    ],
)
def test_malformed_messages_are_dropped_and_the_view_says_so(trainer_widget, data):
    w = trainer_widget
    w.comm.handle_msg(message(data, [b"\x00"]))
    assert w.lag == 4
    assert w.error == "ignored a malformed message from the browser"


def test_the_views_buttons_send_commands(trainer_widget):
    w = trainer_widget

    def command(name):
        w.comm.handle_msg(message({"method": "custom", "content": {"command": name}}))

    command("step")
    assert (w.steps, w.status) == (1, "paused")
    command("start")
    wait_until(lambda: w.trainer.steps >= 5, "5 steps")
    command("pause")
    assert w.status == "paused"
    command("reset")
    assert (w.steps, w.status) == (0, "ready")
    for junk in [{"command": "explode"}, {"command": ["start"]}, "start", None, 12]:
        w.comm.handle_msg(message({"method": "custom", "content": junk}))
    assert (w.steps, w.status, w.error) == (0, "ready", "")


def test_settings_and_publishing_from_two_threads_do_not_interleave(trainer_widget):
    """The worker publishes while the kernel's thread applies a storm of settings: no exception
    in either thread, and every change is acknowledged."""
    w = trainer_widget
    errors = []
    previous_hook = threading.excepthook
    threading.excepthook = errors.append
    try:
        w.start()
        for request in range(1, 201):
            w.set_state({"learning_rate": 0.001 * (1 + request % 5), "_request": request})
        wait_until(lambda: w._progress["steps"] >= 20, "published snapshots")
        w.pause()
    finally:
        threading.excepthook = previous_hook
    assert errors == []
    assert w._ack == 200
    assert w.trainer.optimizer.learning_rate == w.learning_rate


def test_the_package_exports_the_trainer_and_the_sweep_function():
    import rnnwidget
    from rnnwidget.training.sweep import sweep

    assert rnnwidget.sweep is sweep  # the function, not the module of the same name
    assert rnnwidget.RNNTrainer is RNNTrainer
    assert {"RNNTrainer", "sweep"} <= set(rnnwidget.__all__)


def test_a_snapshot_sends_only_what_the_view_draws(trainer_widget):
    w = trainer_widget
    w.run(3)
    assert set(w._progress) == {"revision", "status", "steps", "line", "charts", "arrays", "film"}
    assert w._progress["status"] == w.status == "paused"  # the status and its words, together
    assert w._progress["line"].endswith("paused")


# -- the picture in saved notebooks ---------------------------------------------------------------


def test_the_display_bundle_carries_a_png_of_the_charts(trainer_widget):
    import base64
    import io

    from PIL import Image

    w = trainer_widget
    w.run(30)
    data, _ = w._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id
    image = Image.open(io.BytesIO(base64.b64decode(data["image/png"], validate=True)))
    assert image.width == 880
    assert image.height > 600  # five charts in three rows
    pixels = np.asarray(image.convert("RGB"))
    line = np.array([0x19, 0x76, 0xD2])  # the curves' colour
    assert (np.abs(pixels.astype(int) - line).sum(axis=2) < 30).sum() > 500  # curves are drawn


def test_a_run_past_float64_still_has_a_picture(monkeypatch):
    import sys

    w = RNNTrainer(**SMALL)
    try:
        w._progress = {**w._progress, "arrays": {**w._progress["arrays"]}}
        payload = w._progress
        huge = np.array([1.0, 310.0, 400.0])  # logarithms of values beyond float64
        payload["arrays"]["log10_loss"] = tw.encode_array(huge)
        payload["arrays"]["step"] = tw.encode_array(np.arange(1.0, 4.0))
        for name in ("log10_grad_norm", "log10_spectral_radius", "clipped"):
            payload["arrays"][name] = tw.encode_array(np.zeros(3))
        data, _ = w._repr_mimebundle_()
        assert "image/png" in data
        monkeypatch.setitem(sys.modules, "matplotlib", None)  # no matplotlib: no picture
        data, _ = w._repr_mimebundle_()
        assert "image/png" not in data
    finally:
        w.close()


def test_the_view_says_when_training_has_left_the_regime_it_started_in():
    w = RNNTrainer(lag=5, units=8, w_hh_scale=0.5, batch_size=8)
    try:
        w.run(20)
        radius = w.history().spectral_radius
        assert radius[-1] < 1  # still vanishing: nothing to say
        assert "regime" not in w._progress["line"]
        w.run(400)
        radius = w.history().spectral_radius
        assert radius[-1] > 1  # training grew W_hh past 1, as it does on this short lag
        line = w._progress["line"]
        assert f"ρ(W_hh) {radius[0]:.2f} → {radius[-1]:.2f}" in line  # noqa: RUF001
        assert "training has left the vanishing regime" in line
    finally:
        w.close()
