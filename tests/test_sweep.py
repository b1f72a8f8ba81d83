"""sweep(): one run per (length, scale), deterministic, as a table and as a plot."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

from rnnwidget.training import Trainer
from rnnwidget.training.sweep import sweep

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
