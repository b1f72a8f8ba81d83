"""sweep(): one run per (length, scale), deterministic, as a table and as a plot."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

from rnnwidget import RNNTrainer
from rnnwidget.training import Trainer
from rnnwidget.training.sweep import SweepResult, below_chance, sweep

SMALL = {"units": 8, "steps": 20, "eval_every": 10}


@pytest.fixture(scope="module")
def result():
    return sweep(lag=[3, 6], w_hh_scale=[0.5, 1.0], **SMALL)


def test_one_row_per_run_in_grid_order(result):
    assert [(row["lag"], row["w_hh_scale"]) for row in result.rows] == [
        (3, 0.5),
        (3, 1.0),
        (6, 0.5),
        (6, 1.0),
    ]
    assert (result.task, result.length_name, result.steps) == ("recall", "lag", 20)
    assert result.chance_accuracy == 0.25
    for row in result.rows:
        assert 0.0 <= row["val_accuracy"] <= 1.0
        assert np.isfinite(row["val_loss"])
        assert row["reached_target_at"] in (None, 10, 20)
        assert row["diverged"] is False
        assert row["below_chance"] is False


def test_each_row_is_the_run_a_trainer_with_those_settings_makes(result):
    trainer = Trainer(lag=6, w_hh_scale=0.5, units=8)
    final = trainer.train(20, eval_every=10)
    row = result.rows[2]
    assert row["val_accuracy"] == final.accuracy
    assert row["val_loss"] == final.loss
    assert row["spectral_radius"] == trainer.records[-1].spectral_radius


def test_the_same_sweep_gives_the_same_table(result):
    assert sweep(lag=[3, 6], w_hh_scale=[0.5, 1.0], **SMALL) == result


def test_the_table_prints_aligned(result):
    lines = str(result).splitlines()
    assert lines[0] == "recall: 20 steps per run, chance accuracy 0.250"
    assert "lag" in lines[1]
    assert "w_hh_scale" in lines[1]
    assert len(lines) == 2 + 4
    assert len({len(line) for line in lines[1:]}) == 1  # every column lines up
    assert result.to_text() == str(result)


def test_the_adding_problem_sweeps_over_seq_len():
    table = sweep(seq_len=[4], w_hh_scale=[1.0], task="adding", **SMALL)
    assert table.length_name == "seq_len"
    assert table.rows[0]["seq_len"] == 4
    assert table.chance_accuracy == pytest.approx(0.0784)


def test_a_diverging_run_is_marked_not_fatal():
    table = sweep(
        seq_len=[10],
        w_hh_scale=[1.0],
        task="adding",
        optimizer="sgd",
        learning_rate=1e3,
        clip=False,
        steps=200,
    )
    (row,) = table.rows
    assert row["diverged"] is True
    assert np.isfinite(row["val_loss"])
    assert str(table).endswith("diverged")


def test_plot_draws_one_line_per_scale_and_the_chance_level(result):
    ax = Figure().add_subplot()
    assert result.plot(ax) is ax
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"w_hh_scale = 0.5", "w_hh_scale = 1", "chance"}
    x, y = lines["w_hh_scale = 0.5"].get_data()
    np.testing.assert_array_equal(x, [3, 6])
    np.testing.assert_array_equal(
        y, [result.rows[0]["val_accuracy"], result.rows[2]["val_accuracy"]]
    )
    np.testing.assert_array_equal(lines["chance"].get_ydata(), [0.25, 0.25])
    assert ax.get_xlabel() == "lag"


def test_plot_makes_its_own_figure_when_given_no_axes(result):
    from matplotlib import pyplot  # the test extra installs matplotlib: never skip

    ax = result.plot()
    try:
        assert len(ax.get_lines()) == 3
    finally:
        pyplot.close(ax.figure)


def test_plot_without_matplotlib_says_how_to_install_it(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install 'rnnwidget\[export\]'"):
        result.plot()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sweep(seq_len=[5]), "lag"),
        (lambda: sweep(lag=[5], task="adding"), "seq_len"),
        (lambda: sweep(task="copy"), "task"),
        (lambda: sweep(lag=[], steps=1), "at least one"),
        (lambda: sweep(steps=0), "steps"),
    ],
)
def test_bad_grids_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_row_is_the_run_the_widget_shows_for_its_settings():
    # One BLAS thread in both: at T = 22 a thread split would round the products differently.
    (row,) = sweep(lag=[20], w_hh_scale=[1.0], steps=25, eval_every=25).rows
    widget = RNNTrainer(task="recall", lag=20, w_hh_scale=1.0)
    try:
        shown = widget.run(25)
    finally:
        widget.close()
    assert (row["val_loss"], row["val_accuracy"]) == (shown.loss, shown.accuracy)


@pytest.fixture(scope="module")
def remembering() -> Trainer:
    """An Elman cell that has learned recall over a short lag."""
    trainer = Trainer(lag=3, units=16)
    assert trainer.train(150, eval_every=50, target_accuracy=1.0).accuracy == 1.0
    return trainer


def test_an_answer_blind_to_the_symbol_is_never_below_chance():
    trainer = Trainer(lag=3, units=16)
    trainer.params["W_hy"][:] = 0.0
    symbols = trainer.validation[1]
    for k in range(trainer.task.n_symbols):  # always answer k: right on k's share of the batch
        trainer.params["b_y"][:] = np.eye(trainer.task.n_symbols)[k]
        accuracy = trainer.evaluate().accuracy
        assert accuracy == np.mean(symbols == k)
        assert not below_chance(accuracy, trainer.task.chance_accuracy, len(symbols))


def test_memory_read_out_as_the_wrong_symbols_is_below_chance(remembering):
    chance, size = remembering.task.chance_accuracy, len(remembering.validation[1])
    W_hy, b_y = remembering.params["W_hy"], remembering.params["b_y"]
    shifted = np.roll(np.arange(remembering.task.n_symbols), 1)  # symbol k answered as k + 1
    W_hy[:], b_y[:] = W_hy[shifted].copy(), b_y[shifted].copy()
    assert remembering.evaluate().accuracy == 0.0
    assert below_chance(0.0, chance, size)
    # The threshold: 3 standard errors of the batch, 0.057 for 512 sequences at chance 1/4.
    assert below_chance(0.19, chance, 512)
    assert not below_chance(0.20, chance, 512)


def test_the_table_marks_a_row_below_chance(result):
    row = {**result.rows[0], "val_accuracy": 0.0, "below_chance": True}
    marked = SweepResult(**{**vars(result), "rows": (row, *result.rows[1:])})
    first, *others = marked.to_text().splitlines()[2:]
    assert first.endswith("below chance: remembers, read-out unstable")
    assert not any("below chance" in line for line in others)
