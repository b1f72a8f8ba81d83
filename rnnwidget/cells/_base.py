"""What the three cells share: the weight layout and its checks, the input checks, Keras's call
semantics, the initialisers, and the refusal of gradients past float64.

Every cell stacks its gates' weights PyTorch's way, one block of ``units`` rows per gate::

    W_xh   (gates * units, features)     gates: 1 (Elman), 3 (GRU: r, z, n), 4 (LSTM: i, f, g, o)
    W_hh   (gates * units, units)

so ``units`` is ``W_hh.shape[1]`` and ``features`` is ``W_xh.shape[1]`` for all three.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from typing import Any, ClassVar, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._checks import finite_array, finite_float

Array = NDArray[np.float64]

#: The gradients on the state a cell carries from one step to the next, one array each,
#: ``(batch_size, units)``: ``(dh,)`` for the Elman cell and the GRU, ``(dh, dc)`` for the LSTM.
States = tuple[Array, ...]

#: One step's slopes: the fields of a cell's ``slopes(trace)``, each at one step (without the
#: time axis), in the same order (:func:`reversed_steps`).
StepSlopes = tuple[Array, ...]

#: The floating-point types a cell computes in. float64 (the default) is exact enough for
#: gradient checks and, with the log-space diagnostics, for any magnitude; float32, what PyTorch
#: and Keras train in, halves the memory traffic and runs numpy's transcendental functions 2-5x
#: faster (:meth:`Cell.astype`; the trainer's default).
DTYPES = ("float64", "float32")

INITS = ("chrono", "constant")

#: The recurrent cells, by name: the Elman cell (SimpleRNN), the LSTM and the GRU.
CELLS = ("elman", "lstm", "gru")


class HasStates(Protocol):
    @property
    def x(self) -> Array: ...
    @property
    def h(self) -> Array: ...


class TraceShape:
    """The properties every trace has; a trace is a frozen dataclass with at least ``x`` and
    ``h`` (``(batch_size, timesteps, features)`` and ``(batch_size, timesteps, units)``)."""

    h: Array

    @property
    def final_state(self) -> Array:
        """``h_T``, the state after the last step: ``(batch_size, units)``."""
        return self.h[:, -1]

    @property
    def batch_size(self) -> int:
        return int(self.h.shape[0])

    @property
    def timesteps(self) -> int:
        return int(self.h.shape[1])


class Cell:
    """The protocol the cells share: ``forward(x, ...) -> trace``, ``backward(trace, dh, ...) ->
    grads``, ``__call__`` as Keras calls a layer, and one set of input checks.

    BPTT is built from three public pieces, which ``backward`` and the log-space diagnostics
    (:mod:`rnnwidget.cells.log_gradients`) both use, so that they cannot disagree:

    - :meth:`slopes`: every local derivative of the forward pass, for all steps at once;
    - :meth:`step_back`: one step of the chain rule, from the gradient on the state at step t
      to the gradient it passes back to the state at step t-1, given step t's slopes
      (:func:`reversed_steps` gives them, last step first);
    - :meth:`input_gradient`: dL/dx_t from what :meth:`step_back` wrote.

    A subclass sets :attr:`gates` (how many blocks of ``units`` rows its weights stack) and
    :attr:`trace_type`, and stores ``W_xh`` and ``W_hh`` through :meth:`_check_weights`.
    """

    gates: ClassVar[int] = 1
    gate_names: ClassVar[str] = ""  # "i, f, g, o": named in the weight-shape errors
    trace_type: ClassVar[type] = object
    weight_names: ClassVar[tuple[str, ...]] = ("W_xh", "W_hh", "b")
    W_xh: Array
    W_hh: Array
    return_sequences: bool
    return_state: bool

    @property
    def units(self) -> int:
        """The size of the hidden state."""
        return int(self.W_hh.shape[1])

    @property
    def features(self) -> int:
        """The size of each input vector."""
        return int(self.W_xh.shape[1])

    @property
    def dtype(self) -> np.dtype[Any]:
        """The floating-point type of the weights, and of everything the layer computes."""
        return self.W_hh.dtype

    def astype(self, dtype: str | type[np.floating[Any]] | np.dtype[Any]) -> Any:
        """A copy of this layer whose weights, inputs, states and gradients are ``dtype``
        (``"float64"`` or ``"float32"``; see :data:`DTYPES`). Inputs of any float type are
        converted on the way in."""
        name = _dtype_name(dtype)
        if name not in DTYPES:
            raise ValueError(f"dtype must be one of {DTYPES}; got {name}")
        layer = copy.copy(self)
        for weight in self.weight_names:
            setattr(layer, weight, getattr(self, weight).astype(name))
        return layer

    # ------------------------------------------------------------------------------------------
    # The pieces of backpropagation through time (each cell documents its own equations)
    # ------------------------------------------------------------------------------------------

    def slopes(self, trace: Any) -> Any:
        """The local derivatives of every step of ``trace``, time-major (``[t]`` is step t for
        the whole batch), computed for the whole sequence at once before the backward loop."""
        raise NotImplementedError

    def step_back(self, slopes: StepSlopes, d: States, dz: Array) -> States:
        """One step of backpropagation through time, at a step t whose slopes are ``slopes``
        (:data:`StepSlopes`).

        ``d`` holds the gradient that reaches the state of step t from the loss and from step
        t+1, one array per state the cell carries (:data:`States`); on return each holds the
        total gradient on that state. Writes the gradient on the step's pre-activations into
        ``dz`` (shape :meth:`dz_shape`) and returns the gradient passed back to the state of
        step t-1."""
        raise NotImplementedError

    def dz_shape(self, batch_size: int) -> tuple[int, ...]:
        """The shape of :meth:`step_back`'s ``dz`` at one step."""
        raise NotImplementedError

    def input_gradient(self, dz: Array) -> Array:
        """dL/dx from the ``dz`` that :meth:`step_back` wrote, for any leading axes:
        ``(..., *dz_shape[1:]) -> (..., features)``."""
        raise NotImplementedError

    def _keras_outputs(self, trace: Any, *final_states: Array) -> Any:
        """What Keras's layer returns: the last state, or every state with
        ``return_sequences``; followed by ``final_states`` with ``return_state``."""
        output = trace.h if self.return_sequences else trace.final_state
        return (output, *final_states) if self.return_state else output

    # ------------------------------------------------------------------------------------------
    # Weights
    # ------------------------------------------------------------------------------------------

    def _check_weights(self, W_xh: ArrayLike, W_hh: ArrayLike) -> tuple[Array, Array]:
        """``W_xh`` ``(gates*units, features)`` and ``W_hh`` ``(gates*units, units)``, as float64
        copies, or a ValueError naming the expected shapes."""
        k = self.gates
        rows = "units" if k == 1 else f"{k}*units"
        gates = f" (gates {self.gate_names}, one block of units rows each)" if k > 1 else ""
        W_xh = finite_array("W_xh", W_xh)
        if W_xh.ndim != 2 or 0 in W_xh.shape or W_xh.shape[0] % k:
            raise ValueError(
                f"W_xh must have shape ({rows}, features) with both at least 1{gates}; "
                f"got {W_xh.shape}"
            )
        units = W_xh.shape[0] // k
        W_hh = finite_array("W_hh", W_hh)
        if W_hh.shape != (k * units, units):
            raise ValueError(
                f"W_hh must have shape ({rows}, units) = {(k * units, units)} to match W_xh's "
                f"{units} units; got {W_hh.shape}"
            )
        return W_xh, W_hh

    def _check_bias(self, name: str, b: ArrayLike) -> Array:
        k, units = self.gates, self.units
        rows = "units" if k == 1 else f"{k}*units"
        b = finite_array(name, b)
        if b.shape != (k * units,):
            raise ValueError(f"{name} must have shape ({rows},) = {(k * units,)}; got {b.shape}")
        return b

    # ------------------------------------------------------------------------------------------
    # Input checks: a clear error naming what was expected and what arrived
    # ------------------------------------------------------------------------------------------

    def _layer_array(self, name: str, value: ArrayLike, *, copy: bool = True) -> Array:
        """``value`` checked finite, in the layer's dtype: a copy unless ``copy=False``. An array
        already in that dtype (the trainer's float32 batches) is checked as it is, without
        :func:`finite_array`'s float64: that round trip converts the whole array twice."""
        if isinstance(value, np.ndarray) and value.dtype == self.dtype:
            if not np.isfinite(value).all():
                finite_array(name, value)  # raises, naming the first entry that is not finite
            return np.array(value, copy=copy or None)
        return finite_array(name, value, copy=copy).astype(self.dtype, copy=False)

    def _check_input(self, x: ArrayLike) -> Array:
        x = self._layer_array("x", x)
        expected = f"(batch_size, timesteps, features) = (batch_size, timesteps, {self.features})"
        if x.ndim == 2:
            raise ValueError(
                f"x must be 3-D with shape {expected}; got a 2-D array of shape {x.shape}. "
                f"For one sequence of {x.shape[0]} steps use x[np.newaxis] (shape "
                f"{(1, *x.shape)}); for a batch of 1-feature sequences use x[..., np.newaxis]."
            )
        if x.ndim != 3:
            raise ValueError(f"x must be 3-D with shape {expected}; got shape {x.shape}")
        batch_size, timesteps, features = x.shape
        if features != self.features:
            raise ValueError(
                f"x must have shape {expected}: this layer takes {self.features} features per "
                f"step; got shape {x.shape} with {features}"
            )
        if timesteps == 0 or batch_size == 0:
            raise ValueError(
                f"x must hold at least one sequence of at least one step, shape {expected}; "
                f"got shape {x.shape}"
            )
        return x

    def _check_state(self, name: str, state: ArrayLike | None, batch_size: int) -> Array:
        """An initial state (``h0``, ``c0``): zeros when omitted."""
        if state is None:
            return np.zeros((batch_size, self.units), self.dtype)
        state = self._layer_array(name, state)
        if state.shape != (batch_size, self.units):
            raise ValueError(
                f"{name} must have shape (batch_size, units) = {(batch_size, self.units)}; "
                f"got {state.shape}"
            )
        return state

    def _check_trace(self, trace: HasStates) -> None:
        if not isinstance(trace, self.trace_type):
            raise TypeError(
                f"trace must be the {self.trace_type.__name__} returned by forward(); "
                f"got {type(trace)}"
            )
        if trace.h.shape[2] != self.units or trace.x.shape[2] != self.features:
            raise ValueError(
                f"trace has {trace.x.shape[2]} features and {trace.h.shape[2]} units; this "
                f"layer has {self.features} and {self.units}: pass the trace of this layer"
            )

    def _check_output_gradient(
        self, name: str, d: ArrayLike, shape: tuple[int, ...], of: str
    ) -> Array:
        """The loss's direct gradient on every state, in the layer's dtype, as an array that may
        share memory with ``d`` (callers copy before writing)."""
        return gradient_of_shape(name, self._layer_array(name, d, copy=False), shape, of)


def gradient_of_shape(name: str, d: Array, shape: tuple[int, ...], of: str) -> Array:
    """``d``, a gradient on every state, if it has ``shape``; else a ValueError naming it."""
    if d.shape != shape:
        raise ValueError(
            f"{name} must have the shape of the {of}, (batch_size, timesteps, units) = "
            f"{shape}; got {d.shape}"
        )
    return d


def _dtype_name(dtype: object) -> str:
    """``"float32"`` for ``np.float32``, ``"float32"``, ``"f4"`` or ``np.dtype("float32")``; the
    repr of what numpy reads as no type at all."""
    try:
        return str(np.dtype(dtype).name)  # type: ignore[call-overload]
    except TypeError:
        return repr(dtype)


def reversed_steps(slopes: tuple[Array, ...]) -> Iterator[StepSlopes]:
    """Each step's slopes (:data:`StepSlopes`), the last step first, from a cell's time-major
    ``slopes(trace)``: ``tuple(s[t] for s in slopes)`` for t = T-1, ..., 0, as views made by
    iteration, which on a step's small arrays cost less than indexing."""
    return zip(*(s[::-1] for s in slopes))


def summed_outer(a: Array, b: Array) -> Array:
    """``sum_t sum_n a[t, n] b[t, n]^T``, a weight's gradient summed over time and the batch:
    ``(timesteps, batch_size, m)``, ``(timesteps, batch_size, k) -> (m, k)``. One matrix product
    over every (step, sequence) row (``np.tensordot`` computes the same at several times the
    overhead on small arrays)."""
    total: Array = a.reshape(-1, a.shape[-1]).T @ b.reshape(-1, b.shape[-1])
    return total


def refuse_non_finite(grads: object, dtype: np.dtype[Any]) -> None:
    """Raise FloatingPointError if any array in ``grads`` (a dataclass) passed ``dtype``'s range.

    Past it the numbers turn into inf and NaN, which numpy's matrix product does not report, so
    the backward passes compute quietly and check once at the end."""
    if not all(np.isfinite(g).all() for g in vars(grads).values() if g is not None):
        raise FloatingPointError(
            f"the gradient passed {dtype.name}'s range (about {float(np.finfo(dtype).max):.0e}) "
            "going back through time, so it cannot be represented; its magnitude can: "
            "rnnwidget.diagnostics.log10_gradients(cell, trace, dh) gives log10 |dL/dh_t| (and "
            "the LSTM's log10 |dL/dc_t|) at any size"
        )


# ----------------------------------------------------------------------------------------------
# The gated cells' nonlinearity
# ----------------------------------------------------------------------------------------------


class GateNonlinearity:
    """The gate nonlinearity of the LSTM and the GRU, on a stack of pre-activation blocks of
    ``units`` rows each (the weights' layout, :mod:`rnnwidget.cells._base`)::

        sigmoid(z) = 1 / (1 + exp(-z))          a gate, between 0 and 1
        tanh(z)    = 2 sigmoid(2 z) - 1         a candidate, between -1 and 1

    How it computes them: :meth:`fold` scales the rows of the weights and biases that feed each
    block, once per forward pass, by -1 (a sigmoid block) or -2 (a tanh block), so that each
    step's pre-activations arrive as ``-z`` or ``-2 z``. Then one exp, one add and one
    reciprocal give every block its sigmoid, and an affine map on the tanh blocks their tanh.
    numpy's exp is about twice as fast as its tanh, and on a step's small arrays every call
    costs about as much as its arithmetic: an LSTM step makes 5 calls here, 7 if it negated
    the stack and doubled the candidate itself (5-9% of the LSTM's forward pass, measured).
    Scaling by -1 and -2 is exact: the gates are those of the formulas, to the last bit.

    Args:
        blocks: one entry per block of rows: ``"sigmoid"``, ``"tanh"``, or ``""`` for rows it
            leaves alone (the GRU's candidate, which goes through tanh after its reset gate).
    """

    _SCALE: ClassVar[dict[str, float]] = {"sigmoid": -1.0, "tanh": -2.0, "": 1.0}

    def __init__(self, *blocks: str) -> None:
        self.blocks = blocks
        self._scale = np.array([self._SCALE[block] for block in blocks])[:, None, None]
        self._tanh = [k for k, block in enumerate(blocks) if block == "tanh"]

    def fold(self, weights: Array) -> Array:
        """``weights`` (``(blocks*units, ...)``, or a bias ``(blocks*units,)``) with each block's
        rows scaled as :meth:`__call__` expects them: a new array, in the weights' dtype."""
        rows = weights.shape[0]
        scale = self._scale.astype(weights.dtype)
        folded = weights.reshape(len(self.blocks), rows // len(self.blocks), -1) * scale
        return folded.reshape(weights.shape)

    def __call__(self, folded: Array) -> Array:
        """In place, from the folded pre-activations of the first blocks,
        ``(batch_size, blocks, units)``, to their gates (and candidates); returns the array."""
        np.exp(folded, out=folded)  # exp(-z): inf below about z = -709 (-88 in float32), and
        folded += 1.0
        np.reciprocal(folded, out=folded)  # 1 / inf = 0: the sigmoid's limit
        for k in self._tanh:
            candidate = folded[:, k]
            candidate *= 2.0
            candidate -= 1.0
        return folded


# ----------------------------------------------------------------------------------------------
# Initialisers
# ----------------------------------------------------------------------------------------------


def glorot_uniform(rows: int, cols: int, rng: np.random.Generator) -> Array:
    """Uniform on ``[-l, l]`` with ``l = sqrt(6 / (rows + cols))`` (Glorot & Bengio 2010), what
    Keras gives every kernel by default."""
    limit = math.sqrt(6.0 / (rows + cols))
    return rng.uniform(-limit, limit, size=(rows, cols))


def random_orthogonal(n: int, rng: np.random.Generator) -> Array:
    """A random orthogonal ``(n, n)`` matrix, uniform over the orthogonal group.

    The Q of a Gaussian matrix's QR decomposition, with the signs fixed so that R has a positive
    diagonal (Mezzadri 2007); without that fix Q is orthogonal but not uniformly distributed.
    """
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def orthonormal_columns(rows: int, units: int, rng: np.random.Generator) -> Array:
    """``W_hh`` for a gated cell as Keras initialises it: a random ``(rows, units)`` matrix
    with orthonormal columns, ``rows = gates * units``.

    Keras's ``orthogonal`` initialiser gives its recurrent kernel ``(units, gates*units)``
    orthonormal rows; ours is its transpose. The gates share that orthonormality, so each
    gate's ``(units, units)`` block has singular values of about ``1/sqrt(gates)``, not 1.
    """
    q, r = np.linalg.qr(rng.standard_normal((rows, units)))
    return q * np.sign(np.diag(r))


def memory_bias(
    init: str, t_max: float | None, forget_bias: float | None, units: int, rng: np.random.Generator
) -> Array:
    """The bias of the gate that keeps the memory (the LSTM's forget gate, the GRU's update
    gate), ``(units,)``, for ``init``:

    - ``"chrono"`` (Tallec & Ollivier 2018, "Can recurrent neural networks warp time?"):
      ``log(u)`` with ``u ~ U(1, t_max - 1)`` per unit. The gate opens to ``u / (1 + u)``, so
      unit k keeps its memory for about ``u_k`` steps: the units spread their time scales up to
      ``t_max``. ``t_max`` defaults to 200.
    - ``"constant"``: ``forget_bias`` for every unit (default 1, Keras's ``unit_forget_bias``).
      The gate then sits near ``sigmoid(1) = 0.73``, and the memory fades like ``0.73**t``.
    """
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}; got {init!r}")
    if init == "chrono":
        if forget_bias is not None:
            raise ValueError("forget_bias sets init='constant'; init='chrono' takes t_max")
        t_max = 200.0 if t_max is None else finite_float("t_max", t_max, low=2.0)
        return np.log(rng.uniform(1.0, t_max - 1.0, size=units))
    if t_max is not None:
        raise ValueError("t_max sets init='chrono'; init='constant' takes forget_bias")
    if forget_bias is None:
        return np.ones(units)
    try:
        value = float(forget_bias)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(forget_bias, bool) or not math.isfinite(value):
        raise ValueError(f"forget_bias must be a finite number; got {forget_bias!r}")
    return np.full(units, value)
