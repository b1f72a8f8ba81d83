"""The one log-space recursion (rnnwidget.cells.log_gradients), for all three cells: against the
plain float64 BPTT where float64 holds the gradients, on both of its passes; against closed
forms past float64's range both ways, where plain float64 reads 0 or refuses; exact zeros; the
stacked layers' chaining; float32 cells; the trainer's policy; and its errors."""

from __future__ import annotations

import importlib
import re
import warnings
from decimal import Decimal, localcontext

import numpy as np
import pytest

import rnnwidget
from rnnwidget import GRU, LSTM, SimpleRNN
from rnnwidget.cells.log_gradients import (
    log10_gradients,
    log10_norms_from_bptt,
    safe_log10_range,
)

KINDS = [SimpleRNN, LSTM, GRU]
PASSES = {"auto": None, "plain": False, "log-space": True}


def random_cell(kind, rng, features=3, units=5, scale=0.7):
    """A layer with random weights and biases (every term of its equations counts)."""
    gates = {SimpleRNN: 1, LSTM: 4, GRU: 3}[kind]
    W_xh = rng.normal(0, scale, (gates * units, features))
    W_hh = rng.normal(0, scale, (gates * units, units))
    biases = [rng.normal(0, 0.5, gates * units) for _ in range(2 if kind is GRU else 1)]
    if kind is SimpleRNN:
        return SimpleRNN.from_weights(W_xh, W_hh, *biases, saturation=1.3)
    return kind.from_weights(W_xh, W_hh, *biases)


def random_case(kind, seed, batch_size=2, timesteps=12):
    """A cell, its trace from random states, and direct gradients on a few steps (and, for the
    LSTM, on a few cell states)."""
    rng = np.random.default_rng(seed)
    cell = random_cell(kind, rng)
    x = rng.normal(size=(batch_size, timesteps, cell.features))
    states = [rng.uniform(-0.8, 0.8, (batch_size, cell.units))]
    if kind is LSTM:
        states.append(rng.normal(size=(batch_size, cell.units)))
    trace = cell.forward(x, *states)
    dh = rng.normal(size=trace.h.shape) * (rng.random(timesteps) < 0.3)[None, :, None]
    dh[:, -1] = rng.normal(size=(batch_size, cell.units))  # a loss on the last step at least
    dc = None
    if kind is LSTM:
        dc = rng.normal(size=trace.h.shape) * (rng.random(timesteps) < 0.3)[None, :, None]
    return cell, trace, dh, dc


def log10_abs(values):
    with np.errstate(divide="ignore"):
        return np.log10(np.abs(values))


def assert_logs_of(got, plain, atol=1e-9):
    """Logarithms against plain numbers: the same exact zeros, the rest to ``atol`` decades."""
    want = log10_abs(plain)
    np.testing.assert_array_equal(np.isneginf(got), np.isneginf(want))
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=0, atol=atol)


def backward(cell, trace, dh, dc=None):
    return cell.backward(trace, dh, dc) if dc is not None else cell.backward(trace, dh)


# ---------------------------------------------------------------------------------------------
# Against plain float64 BPTT, where float64 holds the gradients
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PASSES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_recursion_gives_the_logs_of_the_cells_own_bptt(kind, path, seed):
    cell, trace, dh, dc = random_case(kind, seed)
    grads = backward(cell, trace, dh, dc)
    logs = log10_gradients(cell, trace, dh, dc, log_space=PASSES[path])
    assert logs.log_space is (path == "log-space")  # auto: plain float64 holds these

    assert_logs_of(logs.log10_abs, grads.h)
    norms = np.linalg.norm(grads.h, axis=(0, 2))
    np.testing.assert_allclose(logs.log10_norm, np.log10(norms), rtol=0, atol=1e-12)
    if kind is LSTM:
        assert_logs_of(logs.log10_abs_c, grads.c)
        norms_c = np.linalg.norm(grads.c, axis=(0, 2))
        np.testing.assert_allclose(logs.log10_norm_c, np.log10(norms_c), rtol=0, atol=1e-12)
        state_norms = np.sqrt(norms**2 + norms_c**2)  # both states together
    else:
        assert logs.log10_abs_c is None
        assert logs.log10_norm_c is None
        state_norms = norms
    # The scaled arrays times their scale are the gradients themselves, dL/dx_t included.
    scale = 10.0 ** logs.log10_scale[None, :, None]
    np.testing.assert_allclose(logs.log10_scale, np.log10(state_norms), atol=1e-12)
    np.testing.assert_allclose(logs.h_scaled * scale, grads.h, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(logs.x_scaled * scale, grads.x, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("kind", KINDS)
def test_without_the_input_gradient_the_rest_is_the_same(kind):
    cell, trace, dh, dc = random_case(kind, 3)
    full = log10_gradients(cell, trace, dh, dc)
    lean = log10_gradients(cell, trace, dh, dc, input_gradient=False)
    assert lean.x_scaled is None
    np.testing.assert_array_equal(lean.log10_abs, full.log10_abs)
    np.testing.assert_array_equal(lean.log10_norm, full.log10_norm)


# ---------------------------------------------------------------------------------------------
# Closed forms past float64's range, both ways
# ---------------------------------------------------------------------------------------------


def permutation(units, seed):
    return np.eye(units)[np.random.default_rng(seed).permutation(units)]


def log10_power(factor, power):
    """``log10(factor**power)``, from the exact value of the float ``factor``, in 40 digits."""
    with localcontext() as context:
        context.prec = 40
        return float(Decimal(factor).log10() * power) if factor > 0 else -np.inf


def at_rest(kind, units, scale, gain=1.0, seed=0):
    """A cell whose states stay exactly 0 on zero input from zero states (zero biases), so that
    every local slope is a constant, and the recurrent block that carries the gradient back is
    ``scale`` times a permutation: one step back multiplies a gradient that is the same on every
    unit (of a sequence) by an exact constant, which the function returns.

    - Elman: tanh'(0) = 1, so ``dh_{t-1} = g W_hh^T dh_t``: the factor is ``g * scale``.
    - LSTM: every gate sits at sigmoid(0) = 1/2, g = c = h = 0. Only the candidate's block of
      W_hh carries a gradient back (dz_i = g .. = 0, dz_f = c_{t-1} .. = 0, dz_o = tanh(c) .. =
      0), and ``dc_{t-1} = f dc_t + o tanh'(0) dh_{t-1} = dc_t / 2 + (scale/4) P^T dc_t``.
    - GRU: r = z = 1/2, n = 0; ``dh_{t-1} = z dh_t + W_hn^T (r (1 - z) dh_t)``:
      ``(1/2 + scale/4)``.

    The other blocks of W_hh, and W_xh, are random: they must not matter.
    """
    rng = np.random.default_rng(seed)
    gates = {SimpleRNN: 1, LSTM: 4, GRU: 3}[kind]
    W_xh = rng.normal(size=(gates * units, 2))
    W_hh = rng.normal(size=(gates * units, units))
    P = scale * permutation(units, seed)
    if kind is SimpleRNN:
        return SimpleRNN.from_weights(W_xh, P, np.zeros(units), saturation=gain), gain * scale
    block = slice(2 * units, 3 * units)  # the LSTM's candidate g, the GRU's candidate n
    W_hh[block] = P
    biases = [np.zeros(gates * units)] * (2 if kind is GRU else 1)
    return kind.from_weights(W_xh, W_hh, *biases), 0.5 + scale / 4


def closed_form(kind, scale, factor, timesteps):
    """For a cell :func:`at_rest` and a loss on the last step: ``log10 |dL/dh_t| / |dL/dh_T|``
    per unit for t = 1 ... T, and the LSTM's ``log10 |dL/dc_t| / |dL/dh_T|`` (else None), in
    40-digit decimals. The LSTM's ``dc_T = o tanh'(0) dh_T = dh_T / 2``, and before T,
    ``dh_t = W_hg^T (i dc_{t+1}) = (scale / 2) P^T dc_{t+1}``."""
    decay = np.array([log10_power(factor, k) for k in range(timesteps - 1, -1, -1)])
    if kind is not LSTM:
        return decay, None
    log10_c = np.log10(0.5) + decay
    before_T = np.full(timesteps - 1, -np.inf)  # scale 0: no path from c_t into h_{t-1}
    if scale > 0:
        before_T = np.log10(scale / 2) + log10_c[1:]
    return np.append(before_T, 0.0), log10_c


def last_step_loss(batch_size, timesteps, units):
    """dL/dh_T = 1/2 on every unit of the first sequence, -3/2 on the second; zero before."""
    dh = np.zeros((batch_size, timesteps, units))
    dh[:, -1] = np.array([0.5, -1.5])[:batch_size, None]
    return dh


@pytest.mark.parametrize(
    ("kind", "scale", "gain", "timesteps"),
    [
        (SimpleRNN, 3.0, 1.0, 1000),  # x3 per step: 3**999 ~ 1e+476
        (SimpleRNN, 3.0, 0.1, 1000),  # x0.3 per step: ~1e-522
        (LSTM, 14.0, 1.0, 1000),  # x4 per step: ~1e+601
        (LSTM, 0.0, 1.0, 1200),  # x1/2 per step: ~1e-361
        (GRU, 14.0, 1.0, 1000),
        (GRU, 0.0, 1.0, 1200),
    ],
)
def test_past_float64_the_logs_follow_the_closed_form(kind, scale, gain, timesteps):
    units = 6
    cell, factor = at_rest(kind, units, scale, gain)
    trace = cell.forward(np.zeros((2, timesteps, 2)))
    dh = last_step_loss(2, timesteps, units)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not one overflow or underflow on the way
        logs = log10_gradients(cell, trace, dh)
    assert logs.log_space  # the plain pass could not hold them

    log10_h, log10_c = closed_form(kind, scale, factor, timesteps)
    # Each sequence's |dL/dh_T| on every unit, and ||dL/dh_T|| over both: sqrt(units * 2.5).
    first, norm_first = np.log10([0.5, 1.5])[:, None, None], np.log10(np.sqrt(units * 2.5))
    per_unit = np.ones(units)
    np.testing.assert_allclose(logs.log10_abs, first + log10_h[:, None] * per_unit, atol=1e-9)
    np.testing.assert_allclose(logs.log10_norm, norm_first + log10_h, rtol=0, atol=1e-9)
    if kind is LSTM:
        np.testing.assert_allclose(logs.log10_abs_c, first + log10_c[:, None] * per_unit,
                                   rtol=0, atol=1e-9)  # fmt: skip
        np.testing.assert_allclose(logs.log10_norm_c, norm_first + log10_c, rtol=0, atol=1e-9)

    # Plain float64 cannot: past 1e308 it refuses, below 1e-308 it reads 0.
    if factor > 1:
        with pytest.raises(FloatingPointError):
            cell.backward(trace, dh)
    else:
        grads = cell.backward(trace, dh)
        assert not (grads.c if kind is LSTM else grads.h)[:, 0].any()


def test_exact_zeros_read_minus_infinity_in_both_passes():
    """No path from the loss to a unit: its gradient is exactly 0, not 1e-300."""
    units, timesteps = 4, 30
    rnn = SimpleRNN.from_weights(np.zeros((units, 2)), 0.5 * np.eye(units), np.zeros(units))
    trace = rnn.forward(np.random.default_rng(0).normal(size=(1, timesteps, 2)))
    dh = np.zeros(trace.h.shape)
    dh[0, -1, 0] = 1.0  # a loss on unit 0 only, which W_hh = I/2 never mixes into the others
    for log_space in (True, None):
        logs = log10_gradients(rnn, trace, dh, log_space=log_space)
        assert logs.log_space is bool(log_space)  # zeros times anything stay zeros in float64
        assert (logs.log10_abs[0, :, 1:] == -np.inf).all()
        np.testing.assert_allclose(
            logs.log10_abs[0, :, 0], np.arange(timesteps - 1, -1, -1) * np.log10(0.5), atol=1e-12
        )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("log_space", [None, True])
def test_without_a_loss_every_gradient_is_exactly_zero(kind, log_space):
    cell, trace, dh, _ = random_case(kind, 4)
    logs = log10_gradients(cell, trace, np.zeros_like(dh), log_space=log_space)
    assert (logs.log10_norm == -np.inf).all()
    assert (logs.log10_abs == -np.inf).all()
    assert not logs.x_scaled.any()
    if kind is LSTM:
        assert (logs.log10_norm_c == -np.inf).all()
        assert (logs.log10_abs_c == -np.inf).all()


def test_the_plain_pass_refuses_what_it_cannot_hold():
    cell, _ = at_rest(GRU, 4, 14.0)
    trace = cell.forward(np.zeros((1, 400, 2)))
    with pytest.raises(FloatingPointError, match="log_space=None or True"):
        log10_gradients(cell, trace, last_step_loss(1, 400, 4), log_space=False)


# ---------------------------------------------------------------------------------------------
# Stacked layers: the input gradient, scaled, is the direct gradient of the layer below
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("below", "above"), [(SimpleRNN, SimpleRNN), (LSTM, GRU), (GRU, LSTM)])
@pytest.mark.parametrize("log_space", [None, True])
def test_logs_chain_through_stacked_layers_as_bptt_does(below, above, log_space):
    rng = np.random.default_rng(5)
    lower, upper = random_cell(below, rng, 3, 4), random_cell(above, rng, 4, 5)
    t1 = lower.forward(rng.normal(size=(2, 15, 3)))
    t2 = upper.forward(t1.h)
    dh2 = np.zeros(t2.h.shape)
    dh2[:, -1] = rng.normal(size=(2, 5))
    g2 = upper.backward(t2, dh2)
    g1 = lower.backward(t1, g2.x)
    l2 = log10_gradients(upper, t2, dh2, log_space=log_space)
    l1 = log10_gradients(lower, t1, l2.x_scaled, dh_log10_scale=l2.log10_scale, log_space=log_space)
    assert_logs_of(l1.log10_abs, g1.h)
    if below is LSTM:
        assert_logs_of(l1.log10_abs_c, g1.c)


def test_stacked_logs_follow_the_closed_form_where_float64_underflows():
    """Two Elman layers at rest (zero input, zero states): the upper one's W_xh is a scaled
    permutation too, so its input gradient, the lower one's direct gradient at every step, is
    the same on every unit, ``w (g s2)**(T-t) |dh_T|`` (g = 1): far below 1e-308 early on. The
    lower layer adds what it carries back, ``dh1_t = dx_t + s1 P^T dh1_{t+1}``, every term
    positive: a sum the test follows exactly in Decimal."""
    units, timesteps, s1, s2, w = 4, 800, 0.2, 0.3, 0.7
    lower, _ = at_rest(SimpleRNN, units, s1, seed=1)
    upper = SimpleRNN.from_weights(
        w * permutation(units, 2), s2 * permutation(units, 3), np.zeros(units)
    )
    t1 = lower.forward(np.zeros((1, timesteps, 2)))
    t2 = upper.forward(t1.h)
    dh2 = last_step_loss(1, timesteps, units)
    l2 = log10_gradients(upper, t2, dh2)
    l1 = log10_gradients(lower, t1, l2.x_scaled, dh_log10_scale=l2.log10_scale)
    assert l2.log_space
    assert l1.log_space

    with localcontext() as context:
        context.prec = 40
        dx = [Decimal(w) * Decimal(s2) ** (timesteps - 1 - t) / 2 for t in range(timesteps)]
        total, expected = Decimal(0), []
        for t in reversed(range(timesteps)):
            total = dx[t] + Decimal(s1) * total
            expected.append(float(total.log10()))
    expected = np.array(expected[::-1])
    assert expected[0] < -400  # what plain float64 would read as 0
    np.testing.assert_allclose(l1.log10_abs[0], expected[:, None].repeat(units, 1), atol=1e-9)


# ---------------------------------------------------------------------------------------------
# Any dtype: the recursion runs in float64
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_float32_cell_is_followed_in_float64_past_float32s_range(kind):
    """x3 per step (Elman) or x4 (gated) over 90 steps: ~1e42 and ~1e53, past float32 (3e38),
    well inside float64: the plain float64 pass holds them. (Scales that float32 holds exactly,
    so that the closed form is the float32 cell's.)"""
    cell, factor = at_rest(kind, 4, 3.0 if kind is SimpleRNN else 14.0)
    single = cell.astype("float32")
    trace = single.forward(np.zeros((2, 90, 2)))
    dh = last_step_loss(2, 90, 4)
    logs = log10_gradients(single, trace, dh)
    assert not logs.log_space
    assert logs.log10_abs.dtype == np.float64
    log10_h, _ = closed_form(kind, 14.0, factor, 90)
    assert log10_h[0] > 40
    np.testing.assert_allclose(logs.log10_norm, np.log10(np.sqrt(10)) + log10_h, atol=1e-9)
    with pytest.raises(FloatingPointError, match="float32's range"):
        single.backward(trace, dh)


# ---------------------------------------------------------------------------------------------
# The trainer's policy: BPTT's own totals where they are safe, else the recursion
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", KINDS)
def test_norms_come_from_bptts_totals_where_they_are_safely_inside_the_dtype(kind, dtype):
    cell, trace, dh, _ = random_case(kind, 6)
    cell = cell.astype(dtype)
    trace = cell.forward(trace.x)
    totals = cell.backward(trace, dh).h
    norms = log10_norms_from_bptt(cell, trace, dh, totals)
    expected = np.log10(np.linalg.norm(totals.astype(np.float64), axis=(0, 2)))
    np.testing.assert_allclose(norms, expected, rtol=0, atol=1e-12)
    # Read from the totals given, not recomputed: twice the totals, log10(2) more.
    doubled = log10_norms_from_bptt(cell, trace, dh, 2 * totals)
    np.testing.assert_allclose(doubled, expected + np.log10(2), rtol=0, atol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_norms_outside_the_dtypes_safe_range_come_from_the_recursion(kind):
    """x0.05 (Elman) or about x1/2 (gated) per step over 80 steps: norms down to about 1e-25,
    outside float32's safe range (1e-15), so they come from the recursion."""
    scale = float(np.float32(0.05 if kind is SimpleRNN else 0.02))  # as the float32 cell has it
    cell, factor = at_rest(kind, 4, scale)
    single = cell.astype("float32")
    trace = single.forward(np.zeros((2, 80, 2)))
    dh = last_step_loss(2, 80, 4).astype(np.float32)
    totals = single.backward(trace, dh).h
    norms = log10_norms_from_bptt(single, trace, dh, totals)
    log10_h, _ = closed_form(kind, scale, factor, 80)
    assert log10_h[0] < safe_log10_range(np.float32)[0] - 5
    np.testing.assert_allclose(norms, np.log10(np.sqrt(10)) + log10_h, rtol=0, atol=1e-9)


def test_the_safe_ranges_keep_squares_normal():
    for dtype in (np.float32, np.float64):
        lo, hi = safe_log10_range(dtype)
        assert lo == -hi
        info = np.finfo(dtype)
        assert 10.0 ** (2 * hi) < float(info.max) / 1e7
        assert 10.0 ** (2 * lo) > float(info.smallest_normal) * 1e7
    assert safe_log10_range(np.float64)[1] == pytest.approx(150.1, abs=0.1)


# ---------------------------------------------------------------------------------------------
# Errors, and the function a refused backward points to
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_backward_names_a_function_that_exists_and_answers(kind):
    cell, _ = at_rest(kind, 4, 3.0 if kind is SimpleRNN else 14.0)
    trace = cell.forward(np.zeros((1, 800, 2)))
    dh = last_step_loss(1, 800, 4)
    with pytest.raises(FloatingPointError) as refused:
        cell.backward(trace, dh)
    named = re.search(r"(rnnwidget(?:\.\w+)+)\(cell, trace, dh\)", str(refused.value))
    assert named is not None, str(refused.value)
    top, *path = named.group(1).split(".")  # as typed after `import rnnwidget`
    function = importlib.import_module(top)
    for name in path:
        function = getattr(function, name)
    assert function is rnnwidget.diagnostics.log10_gradients
    assert function(cell, trace, dh).log10_norm[0] > 308


@pytest.mark.parametrize("kind", [SimpleRNN, GRU])
def test_a_cell_state_gradient_is_refused_where_there_is_no_cell_state(kind):
    cell, trace, dh, _ = random_case(kind, 0)
    with pytest.raises(ValueError, match=f"a {kind.__name__} has none"):
        log10_gradients(cell, trace, dh, np.zeros_like(dh))


@pytest.mark.parametrize("kind", KINDS)
def test_bad_arguments_are_refused_with_what_was_expected(kind):
    cell, trace, dh, _ = random_case(kind, 0)
    with pytest.raises(ValueError, match=r"dh must have the shape of the hidden states"):
        log10_gradients(cell, trace, dh[:, 1:])
    with pytest.raises(ValueError, match="dh must hold finite numbers"):
        log10_gradients(cell, trace, np.full_like(dh, np.nan))
    other = random_case(LSTM if kind is not LSTM else GRU, 0)[1]
    with pytest.raises(TypeError, match="trace must be the"):
        log10_gradients(cell, other, dh)
    for scale in (np.zeros(3), np.full(dh.shape[1], np.nan), np.full(dh.shape[1], np.inf)):
        with pytest.raises(ValueError, match=r"dh_log10_scale must hold one finite number"):
            log10_gradients(cell, trace, dh, dh_log10_scale=scale)
