"""Presentation from the kernel's side: the default for every widget (`rnnwidget.options`), each
widget's own `presentation`, which only Python sets, and sizes that keep every text of a
presenting view at 16 px or more. The views' side is tests/browser/test_presentation.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import traitlets

import rnnwidget
from rnnwidget import RNNExplorer, RNNTrainer, compare
from rnnwidget.geometry import GEOMETRY

#: The least text size a class reads from the back row, in CSS px.
LEAST = 16

#: The canvas text roles the live views draw (the headless figure's are drawn at scale 1).
LIVE_ROLES = ("title", "tick", "label", "legend", "note", "order")


@pytest.fixture
def presenting() -> Iterator[None]:
    """``rnnwidget.options.presentation = True`` for one test."""
    rnnwidget.options.presentation = True
    try:
        yield
    finally:
        rnnwidget.options.presentation = False


def test_every_widget_presents_by_default_once_the_option_says_so(presenting: None) -> None:
    explorer = RNNExplorer(seq_len=10, units=4)
    trainer = RNNTrainer(units=4)
    comparison = compare(w_hh_scale=[0.5, 1.0], seq_len=10, units=4)
    try:
        assert explorer.presentation
        assert trainer.presentation
        assert comparison.presentation
        assert all(w.presentation for w in comparison)
        assert explorer.get_state("presentation") == {"presentation": True}  # what the view reads
        # A keyword still decides for one widget.
        assert not RNNExplorer(seq_len=10, units=4, presentation=False).presentation
    finally:
        trainer.close()
        comparison.close()


def test_widgets_made_before_the_option_changed_keep_their_own() -> None:
    before = RNNExplorer(seq_len=10, units=4)
    rnnwidget.options.presentation = True
    try:
        assert not before.presentation
        assert RNNExplorer(seq_len=10, units=4).presentation
    finally:
        rnnwidget.options.presentation = False
    assert not RNNExplorer(seq_len=10, units=4).presentation


def test_the_option_takes_only_true_or_false() -> None:
    with pytest.raises(traitlets.TraitError, match=r"presentation must be True or False; got 1"):
        rnnwidget.options.presentation = 1  # type: ignore[assignment]
    assert rnnwidget.options.presentation is False
    assert repr(rnnwidget.options) == "Options(presentation=False)"


@pytest.mark.parametrize("kind", ["explorer", "trainer"])
def test_a_browser_cannot_set_presentation(kind: str) -> None:
    # The view's switch is the page's: it never asks the kernel to present one widget.
    widget = RNNExplorer(seq_len=10, units=4) if kind == "explorer" else RNNTrainer(units=4)
    try:
        widget.set_state({"presentation": True})
        assert widget.presentation is False
        assert "presentation" not in {spec["name"] for spec in widget._knobs}
        widget.presentation = True  # Python may
        assert widget.presentation is True
        with pytest.raises(traitlets.TraitError, match="presentation must be True or False"):
            widget.presentation = "yes"
    finally:
        widget.close()


def test_the_line_that_recreates_a_widget_keeps_its_presentation() -> None:
    explorer = RNNExplorer(seq_len=10, units=4, presentation=True)
    assert repr(explorer).endswith(", presentation=True)")
    assert RNNExplorer(**explorer.config).presentation
    assert "presentation" not in repr(RNNExplorer(seq_len=10, units=4))
    trainer = RNNTrainer(units=4, presentation=True)
    plain = RNNTrainer(units=4)
    try:
        assert repr(trainer).endswith(", presentation=True)")
        assert "presentation" not in repr(plain)
    finally:
        trainer.close()
        plain.close()


def test_a_comparison_presents_with_its_explorers() -> None:
    comparison = compare(w_hh_scale=[0.5, 1.0, 1.5], seq_len=10, units=4)
    try:
        comparison[2].presentation = True
        assert comparison.presentation
        assert all(w.presentation for w in comparison)
        comparison.presentation = False
        assert not any(w.presentation for w in comparison)
    finally:
        comparison.close()


def test_compare_takes_presentation_for_the_whole_comparison() -> None:
    comparison = compare(cell=["elman", "gru"], seq_len=10, units=4, presentation=True)
    try:
        assert comparison.presentation
        assert all(w.presentation for w in comparison)
    finally:
        comparison.close()


def test_presentation_sizes_keep_every_text_at_16_px_or_more() -> None:
    scale = GEOMETRY.presentation.scale
    assert {role: getattr(GEOMETRY.text, role) * scale for role in LIVE_ROLES} == pytest.approx(
        {role: max(getattr(GEOMETRY.text, role) * scale, LEAST) for role in LIVE_ROLES}
    )
    assert GEOMETRY.presentation.font_size >= LEAST
