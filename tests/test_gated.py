"""LSTM and GRU: the forward pass against plain per-step references, BPTT against finite
differences and against PyTorch, the loaders, Keras's call semantics, the initialisation and
its lesson, the log-space diagnostics, and the errors bad input gets."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnwidget
from rnnwidget import GRU, LSTM, SimpleRNN, from_keras, from_torch
from rnnwidget.cells import gates, inputs
from rnnwidget.cells._base import GateNonlinearity
from rnnwidget.cells.gru import GRUTrace
from rnnwidget.cells.lstm import LSTMTrace

from . import reference as ref


def random_lstm(rng, features, units, scale=0.6):
    return LSTM.from_weights(
        rng.normal(0, scale, (4 * units, features)),
        rng.normal(0, scale, (4 * units, units)),
        rng.normal(0, 0.5, 4 * units),
    )


def random_gru(rng, features, units, scale=0.6):
    return GRU.from_weights(
        rng.normal(0, scale, (3 * units, features)),
        rng.normal(0, scale, (3 * units, units)),
        rng.normal(0, 0.5, 3 * units),
        rng.normal(0, 0.5, 3 * units),
    )


# ---------------------------------------------------------------------------------------------
# Forward pass
# ---------------------------------------------------------------------------------------------


def test_lstm_forward_matches_the_equations_written_out_one_step_at_a_time():
    rng = np.random.default_rng(1)
    lstm = random_lstm(rng, features=3, units=5)
    x = rng.normal(size=(4, 7, 3))
    h0, c0 = rng.uniform(-1, 1, (4, 5)), rng.normal(size=(4, 5))
    trace = lstm.forward(x, h0, c0)
    h, c = ref.lstm_states(lstm.W_xh, lstm.W_hh, lstm.b, x, h0, c0)
    np.testing.assert_allclose(trace.h, h, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(trace.c, c, rtol=1e-12, atol=1e-14)
    # The gates the trace keeps are the ones the equations use.
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    c_prev = np.concatenate([c0[:, None], c[:, :-1]], axis=1)
    z = x @ lstm.W_xh.T + h_prev @ lstm.W_hh.T + lstm.b
    for k, (name, act) in enumerate(
        [("i", ref.sigmoid), ("f", ref.sigmoid), ("g", np.tanh), ("o", ref.sigmoid)]
    ):
        np.testing.assert_allclose(getattr(trace, name), act(z[..., 5 * k : 5 * k + 5]), atol=1e-14)
    np.testing.assert_allclose(trace.c, trace.f * c_prev + trace.i * trace.g, atol=1e-14)
    np.testing.assert_array_equal(trace.final_state, trace.h[:, -1])
    np.testing.assert_array_equal(trace.final_cell, trace.c[:, -1])
    assert (trace.batch_size, trace.timesteps) == (4, 7)


def test_gru_forward_matches_the_equations_written_out_one_step_at_a_time():
    rng = np.random.default_rng(2)
    gru = random_gru(rng, features=3, units=5)
    x = rng.normal(size=(4, 7, 3))
    h0 = rng.uniform(-1, 1, (4, 5))
    trace = gru.forward(x, h0)
    h = ref.gru_states(gru.W_xh, gru.W_hh, gru.b_xh, gru.b_hh, x, h0)
    np.testing.assert_allclose(trace.h, h, rtol=1e-12, atol=1e-14)
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    np.testing.assert_allclose(trace.h, (1 - trace.z) * trace.n + trace.z * h_prev, atol=1e-14)
    assert trace.r.shape == trace.z.shape == trace.n.shape == (4, 7, 5)
    assert ((trace.r > 0) & (trace.r < 1)).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_gate_nonlinearity_is_the_sigmoid_and_the_tanh_everywhere(dtype):
    """Folded weights, then exp, add, reciprocal: the plain formulas, out to where exp
    overflows (sigmoid(-1000) = 0, tanh(-1000) = -1), in both float types."""
    gates = GateNonlinearity("sigmoid", "tanh", "")
    z = np.linspace(-1000, 1000, 2001).astype(dtype)
    W = np.stack([z, z, z])[:, :, None]  # three blocks of 2001 "units", one input of 1
    pre = gates.fold(W.reshape(3 * 2001, 1)).reshape(1, 3, 2001)  # a batch of one
    assert pre.dtype == dtype
    with np.errstate(over="ignore"):
        out = gates(pre[:, :2].copy())
    plain_sigmoid = np.exp(-np.logaddexp(0.0, -z.astype(np.float64)))  # 1 / (1 + exp(-z))
    tolerance = {np.float32: 1e-6, np.float64: 1e-15}[dtype]
    np.testing.assert_allclose(out[0, 0], plain_sigmoid, rtol=0, atol=tolerance)
    np.testing.assert_allclose(out[0, 1], np.tanh(z.astype(np.float64)), rtol=0, atol=2 * tolerance)
    np.testing.assert_array_equal(pre[0, 2], z)  # a block left alone is not scaled


@pytest.mark.parametrize("cell", [LSTM(2, 3, seed=4), GRU(2, 3, seed=4)], ids=["LSTM", "GRU"])
def test_initial_states_default_to_zeros(cell):
    x = np.random.default_rng(0).normal(size=(2, 5, 2))
    zeros = [np.zeros((2, 3))] * (2 if isinstance(cell, LSTM) else 1)
    np.testing.assert_array_equal(cell.forward(x).h, cell.forward(x, *zeros).h)


# ---------------------------------------------------------------------------------------------
# Keras semantics of __call__
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [LSTM, GRU])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("return_state", [False, True])
def test_call_returns_what_keras_returns(kind, return_sequences, return_state):
    x = np.random.default_rng(0).normal(size=(2, 9, 3))
    cell = kind(3, 6, seed=0, return_sequences=return_sequences, return_state=return_state)
    trace = cell.forward(x)
    result = cell(x)
    output = result[0] if return_state else result
    assert output.shape == ((2, 9, 6) if return_sequences else (2, 6))
    np.testing.assert_array_equal(output, trace.h if return_sequences else trace.h[:, -1])
    if return_state:
        states = result[1:]
        assert len(states) == (2 if kind is LSTM else 1)  # (output, h_T, c_T) / (output, h_T)
        np.testing.assert_array_equal(states[0], trace.h[:, -1])
        if kind is LSTM:
            np.testing.assert_array_equal(states[1], trace.c[:, -1])


def test_the_lstm_state_carries_over_between_calls():
    lstm = LSTM(2, 5, seed=3, return_sequences=True, return_state=True)
    x = np.random.default_rng(1).normal(size=(1, 10, 2))
    whole, _, _ = lstm(x)
    _, h_mid, c_mid = lstm(x[:, :6])
    second_half, _, _ = lstm(x[:, 6:], h_mid, c_mid)
    np.testing.assert_allclose(second_half, whole[:, 6:], rtol=1e-13)


# ---------------------------------------------------------------------------------------------
# Backpropagation through time against finite differences of the plain references
# ---------------------------------------------------------------------------------------------


def check_lstm_gradients(lstm, x, h0, c0, dh, dc):
    grads = lstm.backward(lstm.forward(x, h0, c0), dh, dc)
    W_xh, W_hh, b = lstm.W_xh.copy(), lstm.W_hh.copy(), lstm.b.copy()
    x, h0, c0 = x.copy(), h0.copy(), c0.copy()
    delta_h, delta_c = np.zeros_like(dh), np.zeros_like(dh)
    dc_direct = np.zeros_like(dh) if dc is None else dc

    def loss():
        return ref.lstm_loss(W_xh, W_hh, b, x, h0, c0, dh, dc_direct, delta_h, delta_c)

    fields = [("W_xh", W_xh), ("W_hh", W_hh), ("b", b), ("x", x), ("h0", h0), ("c0", c0)]
    # The totals dL/dh_t and dL/dc_t: nudge the state itself, let the nudge run forward.
    fields += [("h", delta_h), ("c", delta_c)]
    for name, array in fields:
        numeric = ref.numerical_gradient(loss, array)
        error = ref.relative_error(getattr(grads, name), numeric)
        assert error < 1e-6, f"LSTM d/d{name}: relative error {error:.2e}"


def check_gru_gradients(gru, x, h0, dh):
    grads = gru.backward(gru.forward(x, h0), dh)
    W_xh, W_hh, b_xh, b_hh = gru.W_xh.copy(), gru.W_hh.copy(), gru.b_xh.copy(), gru.b_hh.copy()
    x, h0 = x.copy(), h0.copy()
    delta = np.zeros_like(dh)

    def loss():
        return ref.gru_loss(W_xh, W_hh, b_xh, b_hh, x, h0, dh, delta)

    fields = [("W_xh", W_xh), ("W_hh", W_hh), ("b_xh", b_xh), ("b_hh", b_hh), ("x", x)]
    fields += [("h0", h0), ("h", delta)]
    for name, array in fields:
        numeric = ref.numerical_gradient(loss, array)
        error = ref.relative_error(getattr(grads, name), numeric)
        assert error < 1e-6, f"GRU d/d{name}: relative error {error:.2e}"


shapes = {
    "batch_size": st.integers(1, 3),
    "timesteps": st.integers(1, 5),
    "features": st.integers(1, 3),
    "units": st.integers(1, 4),
    "scale": st.floats(0.1, 1.5),
    "zero_states": st.booleans(),
    "last_step_only": st.booleans(),
    "seed": st.integers(0, 2**32 - 1),
}


@settings(max_examples=60, deadline=None)
@given(with_dc=st.booleans(), **shapes)
def test_every_lstm_gradient_matches_finite_differences(
    batch_size, timesteps, features, units, scale, zero_states, last_step_only, with_dc, seed
):
    rng = np.random.default_rng(seed)
    lstm = random_lstm(rng, features, units, scale)
    x = rng.normal(size=(batch_size, timesteps, features))
    h0 = (
        np.zeros((batch_size, units))
        if zero_states
        else rng.uniform(-0.9, 0.9, (batch_size, units))
    )
    c0 = np.zeros((batch_size, units)) if zero_states else rng.normal(size=(batch_size, units))
    dh = rng.normal(size=(batch_size, timesteps, units))
    if last_step_only:
        dh[:, :-1] = 0.0
    dc = rng.normal(size=dh.shape) if with_dc else None
    check_lstm_gradients(lstm, x, h0, c0, dh, dc)


@settings(max_examples=60, deadline=None)
@given(**shapes)
def test_every_gru_gradient_matches_finite_differences(
    batch_size, timesteps, features, units, scale, zero_states, last_step_only, seed
):
    rng = np.random.default_rng(seed)
    gru = random_gru(rng, features, units, scale)
    x = rng.normal(size=(batch_size, timesteps, features))
    h0 = (
        np.zeros((batch_size, units))
        if zero_states
        else rng.uniform(-0.9, 0.9, (batch_size, units))
    )
    dh = rng.normal(size=(batch_size, timesteps, units))
    if last_step_only:
        dh[:, :-1] = 0.0
    check_gru_gradients(gru, x, h0, dh)


def test_gradients_of_the_default_initialisation_match_finite_differences():
    """Chrono biases push the gates toward 0 and 1; the gradients must stay right there."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 6, 3))
    dh = rng.normal(size=(2, 6, 4))
    check_lstm_gradients(
        LSTM(3, 4, seed=1), x, rng.normal(size=(2, 4)) * 0.5, rng.normal(size=(2, 4)), dh, dh
    )
    check_gru_gradients(GRU(3, 4, seed=1), x, rng.normal(size=(2, 4)) * 0.5, dh)


@pytest.mark.parametrize("kind", [LSTM, GRU])
def test_backward_leaves_its_arguments_alone(kind):
    cell = kind(2, 3, seed=0)
    trace = cell.forward(np.ones((1, 4, 2)))
    dh = np.random.default_rng(0).normal(size=(1, 4, 3))
    before = {k: v.copy() for k, v in vars(trace).items()}
    dh_before = dh.copy()
    cell.backward(trace, dh)
    for name, value in before.items():
        np.testing.assert_array_equal(getattr(trace, name), value)
    np.testing.assert_array_equal(dh, dh_before)


@pytest.mark.parametrize("kind", [SimpleRNN, LSTM, GRU])
def test_backward_without_the_input_gradient_gives_the_same_other_gradients(kind):
    cell = kind(2, 3, seed=0)
    trace = cell.forward(np.random.default_rng(1).normal(size=(2, 4, 2)))
    dh = np.random.default_rng(0).normal(size=(2, 4, 3))
    full = cell.backward(trace, dh)
    lean = cell.backward(trace, dh, input_gradient=False)
    assert full.x.shape == (2, 4, 2)
    assert lean.x is None
    for name, value in vars(full).items():
        if name != "x":
            np.testing.assert_array_equal(getattr(lean, name), value)


# ---------------------------------------------------------------------------------------------
# PyTorch: the same numbers from copied weights, forward and every gradient
# ---------------------------------------------------------------------------------------------


def torch_module(kind, features, units, batch_first, seed):
    torch.manual_seed(seed)
    module = getattr(torch.nn, kind)(features, units, batch_first=batch_first).double()
    with torch.no_grad():  # biases away from PyTorch's small defaults, so every term shows
        for p in module.parameters():
            p.uniform_(-0.8, 0.8)
    return module


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batch_first", [True, False])
def test_forward_and_every_gradient_match_pytorch(kind, batch_first):
    features, units, batch_size, timesteps = 3, 5, 2, 11
    module = torch_module(kind, features, units, batch_first, seed=3)
    cell = from_torch(module)
    rng = np.random.default_rng(4)
    x = rng.normal(size=(batch_size, timesteps, features))
    h0 = rng.uniform(-0.9, 0.9, (batch_size, units))
    c0 = rng.normal(size=(batch_size, units))
    dh = rng.normal(size=(batch_size, timesteps, units))
    dc_last = rng.normal(size=(batch_size, units))

    x_t = torch.tensor(x if batch_first else x.swapaxes(0, 1).copy(), requires_grad=True)
    h0_t = torch.tensor(h0[None], requires_grad=True)
    c0_t = torch.tensor(c0[None], requires_grad=True)
    if kind == "LSTM":
        out_t, (_, c_last_t) = module(x_t, (h0_t, c0_t))
    else:
        out_t, _ = module(x_t, h0_t)
    out_np = out_t.detach().numpy()
    h_torch = out_np if batch_first else out_np.swapaxes(0, 1)
    dh_t = torch.tensor(dh if batch_first else dh.swapaxes(0, 1).copy())
    loss = (out_t * dh_t).sum()
    if kind == "LSTM":
        loss = loss + (c_last_t[0] * torch.tensor(dc_last)).sum()
    loss.backward()

    if kind == "LSTM":
        trace = cell.forward(x, h0, c0)
        dc = np.zeros_like(dh)
        dc[:, -1] = dc_last
        grads = cell.backward(trace, dh, dc)
        np.testing.assert_allclose(trace.c[:, -1], c_last_t[0].detach().numpy(), atol=1e-13)
    else:
        trace = cell.forward(x, h0)
        grads = cell.backward(trace, dh)
    np.testing.assert_allclose(trace.h, h_torch, atol=1e-13)

    x_grad = x_t.grad.numpy()
    expected = {
        "W_xh": module.weight_ih_l0.grad.numpy(),
        "W_hh": module.weight_hh_l0.grad.numpy(),
        "x": x_grad if batch_first else x_grad.swapaxes(0, 1),
        "h0": h0_t.grad.numpy()[0],
    }
    if kind == "GRU":
        expected |= {"b_xh": module.bias_ih_l0.grad.numpy(), "b_hh": module.bias_hh_l0.grad.numpy()}
    else:  # one bias here, PyTorch's two added: both get the same gradient
        np.testing.assert_allclose(module.bias_ih_l0.grad, module.bias_hh_l0.grad, atol=1e-13)
        expected["b"] = module.bias_ih_l0.grad.numpy()
    if kind == "LSTM":
        expected["c0"] = c0_t.grad.numpy()[0]
    for name, value in expected.items():
        np.testing.assert_allclose(getattr(grads, name), value, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_from_torch_copies_the_weights_exactly(kind):
    module = torch_module(kind, 4, 3, batch_first=False, seed=0)
    cell = from_torch(module, return_sequences=True, return_state=True)
    assert type(cell) is {"RNN": SimpleRNN, "LSTM": LSTM, "GRU": GRU}[kind]
    assert (cell.features, cell.units, cell.return_sequences, cell.return_state) == (4, 3, 1, 1)
    p = {name: t.detach().numpy() for name, t in module.named_parameters()}
    np.testing.assert_array_equal(cell.W_xh, p["weight_ih_l0"])
    np.testing.assert_array_equal(cell.W_hh, p["weight_hh_l0"])
    if kind == "GRU":
        np.testing.assert_array_equal(cell.b_xh, p["bias_ih_l0"])
        np.testing.assert_array_equal(cell.b_hh, p["bias_hh_l0"])
    else:
        np.testing.assert_array_equal(cell.b, p["bias_ih_l0"] + p["bias_hh_l0"])
    p["weight_hh_l0"][0, 0] += 1.0  # the cell owns its weights
    assert cell.W_hh[0, 0] != p["weight_hh_l0"][0, 0]


def test_from_torch_reads_float32_modules_and_modules_without_bias():
    module = torch.nn.LSTM(2, 3, bias=False)  # float32, PyTorch's default
    cell = from_torch(module)
    assert cell.W_xh.dtype == np.float64
    np.testing.assert_array_equal(cell.b, np.zeros(12))
    x = np.random.default_rng(0).normal(size=(1, 4, 2))
    out, _ = module(torch.tensor(x.swapaxes(0, 1), dtype=torch.float32))
    np.testing.assert_allclose(cell.forward(x).h, out.detach().numpy().swapaxes(0, 1), atol=1e-6)


@pytest.mark.parametrize(
    ("module", "match"),
    [
        (torch.nn.RNN(2, 3, nonlinearity="relu"), "nonlinearity='tanh'"),
        (torch.nn.LSTM(2, 3, num_layers=2), "single-layer"),
        (torch.nn.GRU(2, 3, bidirectional=True), "unidirectional"),
        (torch.nn.LSTM(2, 3, proj_size=2), "proj_size"),
        (torch.nn.Linear(2, 3), "RNN, LSTM or GRU; got Linear"),
    ],
)
def test_from_torch_refuses_what_it_cannot_represent(module, match):
    with pytest.raises(ValueError, match=match):
        from_torch(module)


# ---------------------------------------------------------------------------------------------
# Keras: a stand-in layer with Keras's documented weight layout
# ---------------------------------------------------------------------------------------------


def tanh(a):
    return np.tanh(a)


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def fake_keras_layer(kind, weights, **attributes):
    """An object that looks to from_keras like a built ``keras.layers.<kind>``."""
    defaults = {"return_sequences": False, "return_state": False, "go_backwards": False}
    defaults |= {"activation": tanh}
    if kind != "SimpleRNN":
        defaults["recurrent_activation"] = sigmoid
    if kind == "GRU":
        defaults["reset_after"] = True
    defaults |= attributes
    layer_class = type(kind, (), {"get_weights": lambda self: [w.copy() for w in weights]})
    layer = layer_class()
    for name, value in defaults.items():
        setattr(layer, name, value)
    layer.units = weights[1].shape[0]
    return layer


def keras_states(kind, weights, x):
    """Keras's equations in Keras's layout: x_t @ kernel, gates side by side in the columns."""
    kernel, recurrent, bias = weights
    units = recurrent.shape[0]
    h = np.zeros((x.shape[0], units))
    c = np.zeros_like(h)
    states = []
    for t in range(x.shape[1]):
        x_t = x[:, t]
        if kind == "SimpleRNN":
            h = np.tanh(x_t @ kernel + h @ recurrent + bias)
        elif kind == "LSTM":  # columns i, f, c, o
            z = x_t @ kernel + h @ recurrent + bias
            i, f = sigmoid(z[:, :units]), sigmoid(z[:, units : 2 * units])
            cand, o = np.tanh(z[:, 2 * units : 3 * units]), sigmoid(z[:, 3 * units :])
            c = f * c + i * cand
            h = o * np.tanh(c)
        else:  # GRU, reset_after=True: columns z, r, h; bias rows input, recurrent
            ax = x_t @ kernel + bias[0]
            ah = h @ recurrent + bias[1]
            z = sigmoid(ax[:, :units] + ah[:, :units])
            r = sigmoid(ax[:, units : 2 * units] + ah[:, units : 2 * units])
            hh = np.tanh(ax[:, 2 * units :] + r * ah[:, 2 * units :])
            h = z * h + (1 - z) * hh
        states.append(h)
    return np.stack(states, axis=1)


def keras_weights(kind, features, units, rng):
    k = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[kind]
    bias_shape = (2, 3 * units) if kind == "GRU" else (k * units,)
    return [
        rng.normal(0, 0.6, (features, k * units)).astype(np.float32),
        rng.normal(0, 0.6, (units, k * units)).astype(np.float32),
        rng.normal(0, 0.5, bias_shape).astype(np.float32),
    ]


@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
def test_from_keras_computes_keras_equations(kind):
    rng = np.random.default_rng(8)
    weights = keras_weights(kind, 3, 4, rng)
    layer = fake_keras_layer(kind, weights, return_sequences=True, return_state=True)
    cell = from_keras(layer)
    assert type(cell).__name__ == kind
    assert (cell.return_sequences, cell.return_state) == (True, True)
    x = rng.normal(size=(2, 6, 3))
    expected = keras_states(kind, [w.astype(np.float64) for w in weights], x)
    np.testing.assert_allclose(cell.forward(x).h, expected, atol=1e-12)
    np.testing.assert_allclose(cell(x)[0], expected, atol=1e-12)


def test_from_keras_reads_layers_without_bias_and_keeps_call_semantics():
    rng = np.random.default_rng(9)
    weights = keras_weights("LSTM", 2, 3, rng)[:2]
    cell = from_keras(fake_keras_layer("LSTM", weights))
    np.testing.assert_array_equal(cell.b, np.zeros(12))
    assert (cell.return_sequences, cell.return_state) == (False, False)
    assert cell(rng.normal(size=(1, 5, 2))).shape == (1, 3)


@pytest.mark.parametrize(
    ("kind", "attributes", "match"),
    [
        ("GRU", {"reset_after": False}, "reset_after=True"),
        ("LSTM", {"go_backwards": True}, "backwards"),
        ("SimpleRNN", {"activation": lambda a: a}, "activation='tanh'"),
        ("GRU", {"recurrent_activation": "hard_sigmoid"}, "recurrent_activation='sigmoid'"),
        ("Dense", {}, "SimpleRNN, LSTM or GRU; got Dense"),
    ],
)
def test_from_keras_refuses_what_it_cannot_represent(kind, attributes, match):
    k = kind if kind != "Dense" else "LSTM"
    layer = fake_keras_layer(kind, keras_weights(k, 2, 3, np.random.default_rng(0)), **attributes)
    with pytest.raises(ValueError, match=match):
        from_keras(layer)


def test_from_keras_refuses_a_gru_bias_of_the_wrong_shape():
    weights = keras_weights("GRU", 2, 3, np.random.default_rng(0))
    weights[2] = weights[2][0]  # one bias row: a reset_after=False layout
    with pytest.raises(ValueError, match=r"\(2, 3\*units\) = \(2, 9\)"):
        from_keras(fake_keras_layer("GRU", weights))


# ---------------------------------------------------------------------------------------------
# Initialisation, and the lesson it carries
# ---------------------------------------------------------------------------------------------


def test_chrono_initialisation_spreads_the_memory_up_to_t_max():
    lstm = LSTM(3, 500, seed=0, t_max=50)
    units = 500
    b_i, b_f = lstm.b[:units], lstm.b[units : 2 * units]
    np.testing.assert_array_equal(b_i, -b_f)
    assert b_f.min() >= 0.0
    assert b_f.max() <= np.log(49)
    assert b_f.max() > np.log(45)  # u ~ U(1, t_max - 1) reaches near the top
    np.testing.assert_array_equal(lstm.b[2 * units :], 0.0)
    gru = GRU(3, 500, seed=0, t_max=50)
    b_z = gru.b_xh[units : 2 * units]
    assert b_z.min() >= 0.0
    assert b_z.max() <= np.log(49)
    np.testing.assert_array_equal(gru.b_xh[:units], 0.0)
    np.testing.assert_array_equal(gru.b_hh, 0.0)


def test_constant_initialisation_is_keras_unit_forget_bias():
    lstm = LSTM(3, 4, seed=0, init="constant")
    np.testing.assert_array_equal(lstm.b, np.repeat([0.0, 1.0, 0.0, 0.0], 4))
    lstm = LSTM(3, 4, seed=0, init="constant", forget_bias=3.0)
    np.testing.assert_array_equal(lstm.b[4:8], 3.0)
    gru = GRU(3, 4, seed=0, init="constant", forget_bias=0.0)
    np.testing.assert_array_equal(gru.b_xh, 0.0)


@pytest.mark.parametrize(("kind", "gates_count"), [(LSTM, 4), (GRU, 3)])
def test_weights_are_glorot_and_keras_orthogonal_and_follow_the_seed(kind, gates_count):
    cell = kind(20, 30, seed=7)
    limit = np.sqrt(6 / (20 + gates_count * 30))
    assert cell.W_xh.shape == (gates_count * 30, 20)
    assert np.abs(cell.W_xh).max() <= limit
    assert cell.W_hh.shape == (gates_count * 30, 30)
    np.testing.assert_allclose(cell.W_hh.T @ cell.W_hh, np.eye(30), atol=1e-12)
    again, other = kind(20, 30, seed=7), kind(20, 30, seed=8)
    np.testing.assert_array_equal(cell.W_hh, again.W_hh)
    np.testing.assert_array_equal(cell.W_xh, again.W_xh)
    assert not np.allclose(cell.W_hh, other.W_hh)


def log10_cell_gradient_at_start(init):
    """log10 ||dL/dc_1|| for a loss on c_T alone, T = 200, after an impulse at t = 1."""
    lstm = LSTM(1, 64, seed=0, init=init)
    trace = lstm.forward(inputs.impulse(200, 1))
    dc = np.zeros_like(trace.c)
    dc[:, -1] = 1.0 / 8.0  # ||dL/dc_T|| = 1
    grads = lstm.backward(trace, np.zeros_like(trace.h), dc)
    return np.log10(np.linalg.norm(grads.c[:, 0])), trace


def test_chrono_keeps_the_cell_gradient_alive_where_forget_bias_one_lets_it_vanish():
    chrono, _ = log10_cell_gradient_at_start("chrono")
    constant, trace = log10_cell_gradient_at_start("constant")
    assert chrono > -2  # within a couple of orders of magnitude of ||dL/dc_T|| = 1
    assert constant < -10
    # Along the cell-state path alone the gradient shrinks by f_t per step: with forget bias 1
    # the forget gate sits at sigmoid(1) = 0.731, so 199 steps take it to ~0.731**199 ~ 1e-27.
    log10_cell_path = np.log10(trace.f[0, 1:]).sum(axis=0)  # per unit
    np.testing.assert_allclose(np.median(log10_cell_path), 199 * np.log10(0.731), atol=0.5)
    assert gates.mean_gates(trace)["f"][1:] == pytest.approx(0.731, abs=0.01)


def test_chrono_keeps_the_gru_gradient_alive_too():
    logs = {}
    for init in ("chrono", "constant"):
        gru = GRU(1, 64, seed=0, init=init)
        trace = gru.forward(inputs.impulse(200, 1))
        dh = np.zeros_like(trace.h)
        dh[:, -1] = 1.0 / 8.0
        logs[init] = np.log10(np.linalg.norm(gru.backward(trace, dh).h[:, 0]))
    assert logs["chrono"] > -2
    assert logs["constant"] < -10


# ---------------------------------------------------------------------------------------------
# Diagnostics in log space
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [LSTM, GRU])
def test_log10_gradient_norms_equal_the_logs_of_bptt_where_float64_can_hold_them(kind):
    rng = np.random.default_rng(3)
    cell = kind(3, 6, seed=2)
    trace = cell.forward(rng.normal(size=(2, 30, 3)))
    dh = rng.normal(size=trace.h.shape)
    dh[:, :-1][:, rng.random(29) < 0.7] = 0.0  # direct terms on the last step and a few others
    if kind is LSTM:
        dc = rng.normal(size=trace.h.shape) * (rng.random(30) < 0.3)[None, :, None]
        grads = cell.backward(trace, dh, dc)
        logs = gates.log10_gradient_norms(cell, trace, dh, dc)
        np.testing.assert_allclose(
            logs.c, np.log10(np.linalg.norm(grads.c, axis=(0, 2))), atol=1e-12
        )
    else:
        grads = cell.backward(trace, dh)
        logs = gates.log10_gradient_norms(cell, trace, dh)
        assert logs.c is None
    np.testing.assert_allclose(logs.h, np.log10(np.linalg.norm(grads.h, axis=(0, 2))), atol=1e-12)


def identity_gate_cells(units, scale):
    """Zero input keeps h = c = 0 and every sigmoid gate at 1/2 (g = n = 0). With the candidate's
    recurrent block ``scale * I``, one step back multiplies the gradient by an exact constant:
    the LSTM's dL/dc by 1/2 + scale/4, the GRU's dL/dh by 1/2 + scale/4 as well."""
    W_hh = np.zeros((4 * units, units))
    W_hh[2 * units : 3 * units] = scale * np.eye(units)
    lstm = LSTM.from_weights(np.zeros((4 * units, 2)), W_hh, np.zeros(4 * units))
    W_hh = np.zeros((3 * units, units))
    W_hh[2 * units :] = scale * np.eye(units)
    gru = GRU.from_weights(np.zeros((3 * units, 2)), W_hh, np.zeros(3 * units), np.zeros(3 * units))
    return lstm, gru


@pytest.mark.parametrize(("scale", "steps"), [(14.0, 1000), (0.0, 1200)])
def test_log10_gradient_norms_are_exact_past_float64_both_ways(scale, steps):
    """scale 14: x4 per step, ~1e+601 at t = 1; scale 0: x1/2 per step, ~1e-361."""
    lstm, gru = identity_gate_cells(4, scale)
    x = np.zeros((1, steps, 2))
    dh = np.zeros((1, steps, 4))
    dh[:, -1] = 1.0  # ||dL/dh_T|| = 2
    factor = np.log10(0.5 + scale / 4)
    back = np.arange(steps - 1, -1, -1)

    trace = lstm.forward(x)
    logs = gates.log10_gradient_norms(lstm, trace, dh)
    # dL/dc_T = o_T tanh'(0) dL/dh_T = dL/dh_T / 2, then the constant factor per step.
    np.testing.assert_allclose(logs.c, np.log10(1.0) + back * factor, atol=1e-9)
    assert np.isfinite(logs.c).all()
    if scale == 0:  # no path from h_{t-1} to anything: dL/dh_t is exactly 0 but at T
        assert (logs.h[:-1] == -np.inf).all()

    trace = gru.forward(x)
    logs = gates.log10_gradient_norms(gru, trace, dh)
    np.testing.assert_allclose(logs.h, np.log10(2.0) + back * factor, atol=1e-9)
    if scale > 0:
        with pytest.raises(FloatingPointError, match="log10_gradients"):
            gru.backward(trace, dh)
        with pytest.raises(FloatingPointError, match="log10_gradients"):
            lstm.backward(lstm.forward(x), dh)


def test_mean_gates_are_the_means_over_batch_and_units():
    rng = np.random.default_rng(0)
    trace = LSTM(2, 5, seed=0).forward(rng.normal(size=(3, 7, 2)))
    means = gates.mean_gates(trace)
    assert list(means) == ["i", "f", "g", "o"]
    np.testing.assert_allclose(means["f"], trace.f.mean(axis=(0, 2)))
    trace = GRU(2, 5, seed=0).forward(rng.normal(size=(3, 7, 2)))
    assert list(gates.mean_gates(trace)) == ["r", "z", "n"]
    np.testing.assert_allclose(gates.mean_gates(trace)["z"], trace.z.mean(axis=(0, 2)))


def test_log10_gradient_norms_refuses_a_cell_state_gradient_for_a_gru():
    gru = GRU(2, 3)
    trace = gru.forward(np.zeros((1, 4, 2)))
    with pytest.raises(ValueError, match="a GRU has none"):
        gates.log10_gradient_norms(gru, trace, np.zeros((1, 4, 3)), np.zeros((1, 4, 3)))


# ---------------------------------------------------------------------------------------------
# Bad input: a clear ValueError, as SimpleRNN gives it
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [LSTM, GRU])
def test_bad_inputs_are_refused_as_simple_rnn_refuses_them(kind):
    cell = kind(8, 4)
    with pytest.raises(ValueError, match=r"x\[np.newaxis\].*\(1, 200, 8\)"):
        cell.forward(np.zeros((200, 8)))
    with pytest.raises(ValueError, match=r"3-D.*got shape"):
        cell.forward(np.zeros((1, 2, 3, 8)))
    with pytest.raises(ValueError, match=r"takes 8 features.*\(1, 5, 3\)"):
        cell.forward(np.zeros((1, 5, 3)))
    with pytest.raises(ValueError, match="at least one"):
        cell.forward(np.zeros((1, 0, 8)))
    x = np.zeros((1, 5, 8))
    x[0, 3, 1] = np.nan
    with pytest.raises(ValueError, match=r"finite.*\(0, 3, 1\)"):
        cell.forward(x)
    with pytest.raises(ValueError, match=r"h0 must have shape \(batch_size, units\) = \(1, 4\)"):
        cell.forward(np.zeros((1, 3, 8)), np.zeros((1, 5)))
    with pytest.raises(ValueError, match="array of numbers"):
        cell.forward([[["a"] * 8]])


def test_a_bad_lstm_cell_state_is_refused():
    lstm = LSTM(2, 4)
    with pytest.raises(ValueError, match=r"c0 must have shape \(batch_size, units\) = \(2, 4\)"):
        lstm.forward(np.zeros((2, 3, 2)), None, np.zeros((2, 5)))
    with pytest.raises(ValueError, match="c0 must hold finite"):
        lstm.forward(np.zeros((1, 3, 2)), None, np.full((1, 4), np.inf))


@pytest.mark.parametrize("kind", [LSTM, GRU])
def test_wrong_output_gradients_and_traces_are_refused(kind):
    cell = kind(2, 4)
    trace = cell.forward(np.zeros((1, 3, 2)))
    with pytest.raises(ValueError, match=r"dh must have the shape.*\(1, 3, 4\).*\(1, 4\)"):
        cell.backward(trace, np.zeros((1, 4)))
    with pytest.raises(ValueError, match="dh must hold finite"):
        cell.backward(trace, np.full((1, 3, 4), np.nan))
    with pytest.raises(ValueError, match="trace of this layer"):
        kind(2, 5).backward(trace, np.zeros((1, 3, 5)))
    with pytest.raises(TypeError, match="Trace returned by forward"):
        cell.backward(trace.h, np.zeros((1, 3, 4)))
    other = (GRU if kind is LSTM else LSTM)(2, 4).forward(np.zeros((1, 3, 2)))
    with pytest.raises(TypeError, match=(LSTMTrace if kind is LSTM else GRUTrace).__name__):
        cell.backward(other, np.zeros((1, 3, 4)))
    if kind is LSTM:
        with pytest.raises(ValueError, match=r"dc must have the shape of the cell states"):
            cell.backward(trace, np.zeros((1, 3, 4)), np.zeros((1, 3, 5)))


def test_bad_weights_are_refused():
    with pytest.raises(ValueError, match=r"W_xh must have shape \(4\*units, features\)"):
        LSTM.from_weights(np.ones((5, 2)), np.ones((5, 1)), np.zeros(5))
    with pytest.raises(ValueError, match=r"W_hh must have shape \(4\*units, units\) = \(8, 2\)"):
        LSTM.from_weights(np.ones((8, 2)), np.ones((8, 8)), np.zeros(8))
    with pytest.raises(ValueError, match=r"b must have shape \(4\*units,\) = \(8,\)"):
        LSTM.from_weights(np.ones((8, 2)), np.ones((8, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"b_hh must have shape \(3\*units,\) = \(6,\)"):
        GRU.from_weights(np.ones((6, 2)), np.ones((6, 2)), np.zeros(6), np.zeros(2))
    with pytest.raises(ValueError, match="W_hh must hold finite"):
        GRU.from_weights(np.ones((6, 2)), np.full((6, 2), np.nan), np.zeros(6), np.zeros(6))


@pytest.mark.parametrize("kind", [LSTM, GRU])
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"units": 0}, "units must be a positive integer"),
        ({"init": "zeros"}, r"init must be one of \('chrono', 'constant'\)"),
        ({"t_max": 1.5}, "t_max must be a finite number >= 2"),
        ({"forget_bias": 2.0}, "forget_bias sets init='constant'"),
        ({"init": "constant", "t_max": 50}, "t_max sets init='chrono'"),
        ({"init": "constant", "forget_bias": float("nan")}, "forget_bias must be a finite"),
    ],
)
def test_bad_constructor_arguments_are_refused(kind, kwargs, match):
    with pytest.raises(ValueError, match=match):
        kind(**({"features": 2, "units": 3} | kwargs))


def test_the_package_exports_the_gated_cells_and_loaders():
    for name in ("LSTM", "GRU", "from_torch", "from_keras"):
        assert name in rnnwidget.__all__
        assert getattr(rnnwidget, name) is getattr(rnnwidget.cells, name)
    assert "LSTM(features=2, units=3, init='chrono'" in repr(LSTM(2, 3))


# ---------------------------------------------------------------------------------------------
# float32: what the trainer computes in
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [SimpleRNN, LSTM, GRU], ids=["elman", "lstm", "gru"])
def test_a_float32_copy_computes_in_float32_what_the_float64_layer_computes(kind):
    layer = kind(3, 5, seed=2)
    single = layer.astype("float32")
    assert single.dtype == np.float32
    assert layer.dtype == np.float64  # a copy: the original keeps its precision
    rng = np.random.default_rng(0)
    x, dh = rng.normal(size=(2, 30, 3)), rng.normal(size=(2, 30, 5))  # float64 in: converted
    exact, trace = layer.backward(layer.forward(x), dh), single.forward(x)
    grads = single.backward(trace, dh)
    for name, value in [*vars(trace).items(), *vars(grads).items()]:
        assert value.dtype == np.float32, name
    np.testing.assert_allclose(trace.h, layer.forward(x).h, atol=2e-6)
    for name in single.weight_names:
        reference = getattr(exact, name)
        scale = np.abs(reference).max()
        # float32 rounding over 30 steps: about 2e-6 of the largest entry (the GRU's W_hh, up to
        # about 1e-5 over seeds); a float64 slip would show as 1e-3 or worse.
        np.testing.assert_allclose(getattr(grads, name), reference, atol=3e-5 * scale, err_msg=name)


def test_astype_refuses_what_is_not_a_float_type_numpy_computes_in():
    with pytest.raises(ValueError, match=r"one of \('float64', 'float32'\); got int64"):
        LSTM(2, 3).astype("int64")
    with pytest.raises(ValueError, match="got float16"):
        GRU(2, 3).astype("half")
    with pytest.raises(ValueError, match="got 'single precision'"):
        SimpleRNN(2, 3).astype("single precision")
