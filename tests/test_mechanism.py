"""The mechanism behind a run's accuracy: snapshots of the weights (the film), the explorer's
frame of a trained network, and the two widgets opened on each other's network.

What a broken implementation gets wrong here: a frame whose gradient is not the task's loss's
(checked against the trainer's own BPTT on the same sequence, in float64), weights that do not
cross exactly (a snapshot that is not the replayed run's, a rescale where none was asked for, an
explorer W_hh the trainer does not start from), a film that outgrows its bound or loses step 0,
marks that do not sit where the task puts its symbol and cue, and a scrubber that shows a step
the trainer never kept."""

from __future__ import annotations

import numpy as np
import pytest
import traitlets

from rnnwidget import RNNExplorer, RNNTrainer
from rnnwidget._wire import decode_array
from rnnwidget.explorer.widget import frame_payload
from rnnwidget.training import Trainer
from rnnwidget.training.mechanism import SEQUENCE, frame_of, network_of
from rnnwidget.training.snapshots import MAX_BYTES, MAX_SNAPSHOTS, Snapshots

CELLS = ("elman", "lstm", "gru")


def decoded(payload: dict) -> dict[str, np.ndarray]:
    """A frame payload's first-layer arrays and input, decoded from their float32 buffers."""
    arrays = {"x": decode_array(payload["arrays"]["x"])}
    for name, wire in payload["arrays"]["layers"][0].items():
        arrays[name] = decode_array(wire)
    return arrays


# -- the film ----------------------------------------------------------------------------------


def test_the_film_keeps_step_0_and_evenly_spaced_steps_within_its_bound() -> None:
    params = {"W": np.zeros((4, 4), np.float32)}
    film = Snapshots(params, max_snapshots=8)
    for step in range(1, 101):
        params["W"][...] = step  # each snapshot must be a copy, not a view of the live array
        film.take(step, params)
        assert len(film) <= 8
        assert film.steps[0] == 0
        assert all(s % film.every == 0 for s in film.steps)
        assert film.steps[-1] == step // film.every * film.every  # the latest kept
    assert film.every == 16
    assert film.steps == [0, 16, 32, 48, 64, 80, 96]
    assert float(film.at(0)["W"][0, 0]) == 0.0
    assert float(film.at(48)["W"][0, 0]) == 48.0
    with pytest.raises(ValueError, match=r"no snapshot at step 50.*every 16 steps.*48 and 64"):
        film.at(50)
    with pytest.raises(ValueError, match="read-only"):
        film.at(16)["W"][0, 0] = 1.0


def test_the_film_is_sensible_at_10000_steps_and_128_units() -> None:
    """A 128-unit LSTM on recall: the limit comes from the memory bound, and 10,000 steps fit
    in it with step 0, the latest spacing and the bytes stated in the module."""
    trainer = Trainer("recall", lag=10, cell="lstm", units=128, batch_size=1)
    film = trainer.snapshots
    per_snapshot = sum(a.nbytes for a in trainer.params.values())
    assert per_snapshot == 69_636 * 4  # the figure rnnwidget.training.snapshots states
    assert film.limit == min(MAX_SNAPSHOTS, MAX_BYTES // per_snapshot) == 240
    for step in range(1, 10_001):
        film.take(step, trainer.params)
    assert film.every == 64
    assert film.steps[0] == 0
    assert film.steps[-1] == 9984
    assert len(film) == 157
    assert film.nbytes == 157 * per_snapshot <= MAX_BYTES


def test_a_trainer_snapshots_every_step_at_first() -> None:
    trainer = Trainer("recall", lag=5, units=8, batch_size=4)
    trainer.train(20, eval_every=10)
    assert trainer.snapshots.steps == list(range(21))
    for name, array in trainer.weights_at(20).items():
        np.testing.assert_array_equal(array, trainer.params[name])
    with pytest.raises(ValueError, match="no snapshot at step 21"):
        trainer.weights_at(21)


@pytest.mark.parametrize("cell", CELLS)
def test_a_snapshot_is_the_replayed_run(cell: str) -> None:
    """from_trainer(t, step=k) shows the weights a new trainer with the same seeds has after k
    steps; step=0 those of a fresh trainer, cast to float64 and otherwise unchanged."""
    settings = {"lag": 6, "cell": cell, "units": 8, "batch_size": 4, "seed": 3}
    run = Trainer("recall", **settings)
    run.train(12, eval_every=4)
    for step in (0, 7):
        replay = Trainer("recall", **settings)
        if step:
            replay.train(step, eval_every=4)
        explorer = RNNExplorer.from_trainer(run, step=step)
        for name, array in explorer.network.weights.items():
            assert array.dtype == np.float64
            np.testing.assert_array_equal(array, replay.params[name].astype(np.float64))
        np.testing.assert_array_equal(explorer.model.W_hh, replay.rnn.W_hh.astype(np.float64))
        explorer.close()


# -- the frame of a trained network ------------------------------------------------------------


@pytest.mark.parametrize("task", ["recall", "adding"])
@pytest.mark.parametrize("cell", CELLS)
def test_the_frame_shows_the_gradient_of_the_tasks_own_loss(cell: str, task: str) -> None:
    """The frame's ||dL/dh_t|| and |dL/dh_t| are those of the trainer's own BPTT (float64)
    of the task's loss on the validation sequence, through the read-out: not a unit impulse."""
    trainer = Trainer(task, lag=12, seq_len=14, cell=cell, units=6, batch_size=4, dtype="float64")
    trainer.train(5, eval_every=5)
    frame = frame_of(network_of(trainer))
    x, targets = trainer.validation
    one = slice(SEQUENCE, SEQUENCE + 1)
    trace = trainer.rnn.forward(x[one])
    y = trainer.readout.forward(trace.final_state)
    _, dy = trainer.readout.loss(y, targets[one])
    dh = np.zeros_like(trace.h)
    dh[:, -1] = dy @ trainer.readout.W_hy  # dL/dh_T = W_hy^T dL/dy, by hand
    bptt = trainer.rnn.backward(trace, dh, input_gradient=False)
    np.testing.assert_allclose(frame.h, trace.h[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        frame.log10_grad_norm, np.log10(np.linalg.norm(bptt.h[0], axis=1)), atol=1e-9
    )
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(frame.log10_abs_grad, np.log10(np.abs(bptt.h[0])), atol=1e-9)
    # The same number as the trainer's record of a batch of that one sequence.
    assert trainer.backprop(x[one], targets[one]).log10_grad_norms == pytest.approx(
        frame.log10_grad_norm, abs=1e-9
    )


def test_the_marks_sit_where_the_task_puts_its_symbol_cue_and_numbers() -> None:
    recall = Trainer("recall", lag=9, units=4)
    network = network_of(recall)
    x = recall.validation[0][SEQUENCE]
    symbol, cue = (t + 1 for t in np.flatnonzero(x[:, :4].any(axis=1) | x[:, 5].astype(bool)))
    assert [(m.t, m.label) for m in network.marks] == [
        (symbol, "symbol shown"),
        (cue, "asked for"),
    ]
    assert (symbol, cue) == (1, 11)
    symbol_number = int(recall.validation[1][SEQUENCE]) + 1
    assert f"symbol {symbol_number} of 4 shown at t=1, asked for at t=11" in network.description
    adding = Trainer("adding", seq_len=30, units=4)
    network = network_of(adding)
    x = adding.validation[0][SEQUENCE]
    first, second = (int(t) + 1 for t in np.flatnonzero(x[:, 1]))
    assert [m.t for m in network.marks] == [first, second, 30]
    payload = frame_payload(frame_of(network), 1)
    assert payload["layout"]["marks"][0] == {"t": first, "label": "1st number"}


def test_the_network_is_named_by_its_step() -> None:
    trainer = Trainer("recall", lag=3, units=4, batch_size=2)
    assert network_of(trainer).description.startswith("The untrained network (step 0), on")
    trainer.step()
    assert network_of(trainer).description.startswith("The network after 1 training step, on")
    trainer.train(1233, eval_every=1000)
    assert network_of(trainer).description.startswith("The network after 1,234 training steps")


@pytest.mark.parametrize("cell", CELLS)
def test_the_summary_names_the_tasks_steps(cell: str) -> None:
    trainer = Trainer("recall", lag=7, cell=cell, units=4, batch_size=2)
    explorer = RNNExplorer.from_trainer(trainer)
    try:
        assert "reaching t=1 (symbol shown)" in explorer.summary
        assert "t=9 (asked for)" in explorer.summary
    finally:
        explorer.close()
    assert "(symbol shown)" not in RNNExplorer(cell=cell).summary


def test_a_language_model_has_no_single_sequence_to_show() -> None:
    trainer = Trainer("text", corpus="brackets", units=4, batch_size=2, bptt_steps=10)
    with pytest.raises(ValueError, match="language model"):
        network_of(trainer)
    widget = RNNTrainer(task="text", corpus="brackets", units=4, bptt_steps=10)
    try:
        assert widget._mechanism == {}
        with pytest.raises(ValueError, match="language model"):
            RNNExplorer.from_trainer(widget)
    finally:
        widget.close()


# -- the trainer's panels ----------------------------------------------------------------------


@pytest.fixture
def trainer():
    widget = RNNTrainer(task="recall", lag=8, units=8, batch_size=4, eval_every=5)
    yield widget
    widget.close()


def test_the_panels_follow_the_run_and_equal_the_explorers(trainer: RNNTrainer) -> None:
    assert trainer._mechanism["step"] == 0
    assert trainer._mechanism["shown"] is None
    trainer.run(12)
    mechanism = trainer._mechanism
    assert mechanism["step"] == 12
    assert mechanism["title"] == "Inside the network now, at training step 12"
    explorer = RNNExplorer.from_trainer(trainer)
    try:
        ours, theirs = decoded(mechanism["frame"]), decoded(explorer._frame)
        assert ours.keys() == theirs.keys()
        for name in ours:
            np.testing.assert_array_equal(ours[name], theirs[name])
        # The same panels, words and marks; the scales are the film's (see below).
        ours_layout, theirs_layout = mechanism["frame"]["layout"], explorer._frame["layout"]
        assert [h["name"] for h in ours_layout["heatmaps"]] == [
            h["name"] for h in theirs_layout["heatmaps"]
        ]
        assert ours_layout["marks"] == theirs_layout["marks"] != []
        assert mechanism["frame"]["words"]["network"].startswith(
            "The network after 12 training steps"
        )
    finally:
        explorer.close()
    assert trainer._progress["film"] == {
        "steps": list(range(13)), "every": 1, "label": "training step", "now": "now",
    }  # fmt: skip


def test_the_scrubber_shows_a_snapshot_and_end_returns_to_now(trainer: RNNTrainer) -> None:
    trainer.run(10)
    now = decoded(trainer._mechanism["frame"])
    trainer.shown_step = 3
    shown = trainer._mechanism
    assert (shown["step"], shown["shown"]) == (3, 3)
    explorer = RNNExplorer.from_trainer(trainer, step=3)
    try:
        for name, array in decoded(explorer._frame).items():
            np.testing.assert_array_equal(decoded(shown["frame"])[name], array)
    finally:
        explorer.close()
    assert not np.array_equal(decoded(shown["frame"])["h"], now["h"])
    trainer.run(2)  # training goes on; the panels stay on the snapshot
    assert trainer._mechanism["step"] == 3
    revision = trainer._mechanism["revision"]
    trainer._on_custom({"command": "show", "step": 3}, [])  # asked again: answered again
    assert trainer._mechanism["revision"] == revision + 1
    assert trainer._mechanism["shown"] == 3
    trainer._on_custom({"command": "show", "step": None}, [])
    assert trainer.shown_step is None
    assert trainer._mechanism["step"] == 12
    # A step the film does not keep, or nonsense from a browser, is refused; nothing moves.
    with pytest.raises(traitlets.TraitError, match="no snapshot at step 99"):
        trainer.shown_step = 99
    for nonsense in (99, "3", 2.5, True, [1]):
        trainer._on_custom({"command": "show", "step": nonsense}, [])
        assert trainer.shown_step is None
        assert trainer.error
    trainer.restart()
    assert trainer.shown_step is None
    assert trainer._mechanism["step"] == 0


def test_the_film_is_read_on_one_scale_that_never_narrows(trainer: RNNTrainer) -> None:
    """Each frame's gradient colours and chart decades hold its own values and every earlier
    frame's of the run, so a colour means one size throughout the film."""
    seen: list[tuple[list[float], list[int], tuple[float, float]]] = []
    for step in (0, 4, 9):
        if step:
            trainer.run(step - trainer.steps)
        frame = trainer._mechanism["frame"]
        gradient = next(h for h in frame["layout"]["heatmaps"] if h["name"] == "gradient")
        logs = decoded(frame)["log10_abs_grad"]
        own = (float(np.min(logs[np.isfinite(logs)])), float(np.max(logs)))
        seen.append((gradient["scale"], frame["layout"]["chart"]["range"], own))
    for i, (scale, chart, own) in enumerate(seen):
        assert scale[1] >= own[1] - 1e-6  # holds this frame's largest gradient
        if i:
            assert scale[0] <= seen[i - 1][0][0]  # and never narrows
            assert scale[1] >= seen[i - 1][0][1]
            assert chart[0] <= seen[i - 1][1][0]
            assert chart[1] >= seen[i - 1][1][1]
    trainer.restart()  # a new run: a new film, on its own scale
    frame = trainer._mechanism["frame"]
    gradient = next(h for h in frame["layout"]["heatmaps"] if h["name"] == "gradient")
    assert gradient["scale"] == seen[0][0]


def test_a_thinned_film_moves_the_scrubber_to_a_kept_step() -> None:
    widget = RNNTrainer(task="recall", lag=3, units=4, batch_size=2)
    try:
        film = widget.trainer.snapshots
        film.limit = 4  # thin out after a few steps, as a long run does after thousands
        widget.run(3)
        widget.shown_step = 3
        widget.run(2)  # every becomes 2, then 4: step 3 is dropped
        assert 3 not in film
        assert widget.shown_step in film
        assert widget.shown_step <= 3
        assert widget._mechanism["step"] == widget.shown_step
    finally:
        widget.close()


def test_a_step_thinned_out_before_the_request_is_answered_with_a_kept_step_that_way() -> None:
    """The view asks for a step of the film it last heard of; if the film has thinned out
    since, the answer shows the nearest kept step on the side the scrubber moved to (so an
    arrow key always moves), and names the step asked, so the view knows it is the answer."""
    widget = RNNTrainer(task="recall", lag=3, units=4, batch_size=2)
    try:
        film = widget.trainer.snapshots
        film.limit = 8
        widget.run(7)
        seen = widget._progress["film"]["steps"]
        assert seen == list(range(8))  # what the view holds
        with widget._loop.locked() as trainer:
            film.limit = 4
            trainer.step()  # training goes on, unpublished: the film keeps 0, 4, 8 only
        assert film.steps == [0, 4, 8]

        def show(step: int | None) -> dict:
            revision = widget._mechanism["revision"]
            widget._on_custom({"command": "show", "step": step}, [])
            assert not widget.error
            assert widget._mechanism["revision"] == revision + 1  # answered
            assert widget._mechanism["asked"] == step
            return widget._mechanism

        assert show(0)["shown"] == 0
        assert show(1)["shown"] == 4  # forward from 0 (as the arrow key went): the next kept
        assert show(5)["shown"] == 8
        assert show(7)["shown"] == 4  # back from 8: the last kept before
        assert show(3)["shown"] == 0
        assert show(None)["shown"] is None
        assert show(6)["shown"] == 4  # back from now
        assert show(4)["shown"] == 4  # kept: itself, answered again
        widget.shown_step = None
        assert "asked" not in widget._mechanism  # not an answer
        # A step the run has not reached, or before its start, is still refused.
        for nonsense in (9, -1):
            widget._on_custom({"command": "show", "step": nonsense}, [])
            assert f"no snapshot at step {nonsense}" in widget.error
            assert widget.shown_step is None
    finally:
        widget.close()


def test_the_mechanism_can_be_turned_off(trainer: RNNTrainer) -> None:
    trainer.mechanism = False
    assert trainer._mechanism == {}
    trainer.run(3)
    assert trainer._mechanism == {}
    assert "mechanism=False" in repr(trainer)
    trainer.mechanism = True
    assert trainer._mechanism["step"] == 3


# -- from one widget to the other --------------------------------------------------------------


def test_from_trainer_fixes_the_network_and_keeps_what_if_knobs(trainer: RNNTrainer) -> None:
    trainer.run(6)
    explorer = RNNExplorer.from_trainer(trainer, step=6)
    try:
        trained = explorer.network.weights["W_hh"]
        radius = explorer.network.spectral_radius
        assert explorer.w_hh_scale == radius  # the trained rho, exactly
        np.testing.assert_array_equal(explorer.model.W_hh, trained)  # no rescale at rho
        assert explorer.seq_len == 10
        assert explorer.units == 8
        assert explorer.frame.x.shape == (10, 6)  # the task's inputs, not the explorer's
        for name in ("units", "cell", "seq_len", "input_kind", "layers", "seed", "bias"):
            assert name in explorer._inactive
            with pytest.raises(traitlets.TraitError, match="trained network's"):
                setattr(explorer, name, {"units": 4, "cell": "lstm", "seq_len": 5,
                                         "input_kind": "noise", "layers": 2, "seed": 9,
                                         "bias": 1.0}[name])  # fmt: skip
        assert explorer.units == 8
        explorer.w_hh_scale = 0.5  # what if: the trained matrix, rescaled
        np.testing.assert_allclose(explorer.model.W_hh, trained * (0.5 / radius), rtol=1e-15)
        assert explorer.spectral_radius == 0.5
        assert repr(explorer) == "RNNExplorer.from_trainer(trainer, step=6, w_hh_scale=0.5)"
        with pytest.raises(ValueError, match="trained one"):
            explorer.apply_preset("vanishing")
        assert explorer._presets == []
        explorer.reset()
        assert explorer.w_hh_scale == radius
        with pytest.raises(TypeError, match="trained network's"):
            RNNExplorer.from_trainer(trainer, units=4)
        with pytest.raises(ValueError, match="no snapshot at step 7"):
            RNNExplorer.from_trainer(trainer, step=7)
    finally:
        explorer.close()


@pytest.mark.parametrize("cell", CELLS)
def test_from_explorer_starts_from_the_explorers_recurrent_weights(cell: str) -> None:
    settings = {"cell": cell, "units": 6, "seed": 4, "seq_len": 30}
    if cell == "elman":
        settings |= {"w_hh_scale": 0.8, "saturation": 1.5, "bias": 0.7}
    else:
        settings["gate_init"] = "constant"
    explorer = RNNExplorer(**settings)
    widget = RNNTrainer.from_explorer(explorer, batch_size=4)
    try:
        run = widget.trainer
        biases = ("b_xh", "b_hh") if cell == "gru" else ("b",)
        for name in ("W_hh", *biases):
            ours = getattr(run.rnn, name)
            assert ours.dtype == np.float32
            np.testing.assert_array_equal(ours, getattr(explorer.model, name).astype(np.float32))
        assert run.rnn.W_xh.shape[1] == run.task.features == 6  # the task's inputs
        assert widget.lag == 28
        assert widget.seed == 4
        assert widget.units == 6
        if cell == "elman":
            assert (widget.w_hh_scale, widget.saturation) == (0.8, 1.5)
            assert run.rnn.saturation == 1.5
        # The explorer's network at step 0 of the film, and again after a restart.
        np.testing.assert_array_equal(run.weights_at(0)["W_hh"], run.rnn.W_hh)
        widget.run(2)
        widget.restart()
        np.testing.assert_array_equal(
            widget.trainer.rnn.W_hh, explorer.model.W_hh.astype(np.float32)
        )
        # Another network setting: the seeded weights of that network.
        widget.seed = 5
        assert not np.array_equal(widget.trainer.rnn.W_hh, explorer.model.W_hh.astype(np.float32))
        widget.reset()
        np.testing.assert_array_equal(
            widget.trainer.rnn.W_hh, explorer.model.W_hh.astype(np.float32)
        )
    finally:
        widget.close()
        explorer.close()


def test_from_explorer_refuses_what_the_trainer_cannot_train() -> None:
    explorer = RNNExplorer(layers=2)
    with pytest.raises(ValueError, match="one recurrent layer"):
        RNNTrainer.from_explorer(explorer)
    explorer.layers = 1
    explorer.units = 200
    with pytest.raises(traitlets.TraitError, match="from 1 to 128"):
        RNNTrainer.from_explorer(explorer)
    explorer.close()
    with pytest.raises(ValueError, match=r"W_xh must have shape \(32, 6\)"):
        RNNTrainer(initial_weights={"W_xh": np.zeros((32, 4))})
    with pytest.raises(ValueError, match="has W_xh, W_hh, b; got 'W_hy'"):
        RNNTrainer(initial_weights={"W_hy": np.zeros((4, 32))})


def test_the_buttons_open_each_others_view_underneath() -> None:
    explorer = RNNExplorer(w_hh_scale=0.9, seq_len=12, units=6)
    explorer._on_custom({"command": "train"}, [])
    widget = explorer.companion
    try:
        assert isinstance(widget, RNNTrainer)
        assert explorer._companion == f"anywidget:{widget.model_id}"
        widget.run(4)
        widget._on_custom({"command": "explore"}, [])
        opened = widget.companion
        assert isinstance(opened, RNNExplorer)
        assert opened.network.step == 4
        assert widget._companion == f"anywidget:{opened.model_id}"
        widget.shown_step = 2
        widget.explore()  # another click: the new explorer replaces (and closes) the old
        assert widget.companion.network.step == 2
        assert opened._current is None  # closed
    finally:
        explorer.close()  # closes its trainer, which closes its explorer
    assert widget.status == "closed"
