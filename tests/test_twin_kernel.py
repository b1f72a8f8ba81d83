"""The twin's matrix-vector product in WebAssembly (js/twin/matvec.wat, placed by
js/twin/kernel.js) gives every bit JavaScript's loop (js/twin/base.js's ``matVec``) gives, and
both are the left-to-right sums ``sum_j W[k, j] v[j]`` (numpy's ``cumsum`` takes them in that
order): at every shape the cells use and at others, at the ends of float64 (subnormal products,
overflow, infinities, NaN, signed zeros), at offsets into longer arrays, and across the memory's
fresh starts and growth, with matrices met again after them. The twin's numbers against numpy's
are tests/test_twin.py's, in whichever product Node runs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from .node import run_script

SCRIPT = """
import { readFileSync } from "node:fs";
import { matVec } from "./js/twin/base.js";
import { useWebAssembly } from "./js/twin/kernel.js";
import { decode } from "./tests/f8.mjs";
const bytes = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
const { matrices, products } = JSON.parse(readFileSync(0, "utf8"));
const W = matrices.map(({ data }) => decode(data));
const answers = {};
for (const way of ["webassembly", "javascript"]) {
  if (useWebAssembly(way === "webassembly") !== (way === "webassembly")) {
    throw new Error("no WebAssembly with SIMD in this Node");
  }
  answers[way] = products.map(({ matrix, v, vOffset, outOffset }) => {
    const { rows, cols } = matrices[matrix];
    const out = new Float64Array(outOffset + rows).fill(NaN);
    matVec(W[matrix], rows, cols, decode(v), vOffset, out, outOffset);
    return { f8: bytes(out.subarray(outOffset)) };
  });
}
console.log(JSON.stringify(answers));
"""

# Where float64 runs out: products below the smallest normal number, sums past the largest, and
# the numbers that carry through every sum unchanged.
EDGES = np.array([5e-324, -5e-324, 2.2e-308, 1e-160, -1e-160, 1e160, 1.7e308, -1.7e308, 0.0, -0.0])


def matrix(rng: np.random.Generator, rows: int, cols: int, *, edges: bool = False) -> np.ndarray:
    W = rng.normal(size=(rows, cols)) * 10.0 ** rng.integers(-3, 4, size=(rows, cols))
    if edges:
        W.flat[rng.integers(0, W.size, size=min(W.size, 40))] = rng.choice(EDGES, min(W.size, 40))
    return W


def run(matrices: list[np.ndarray], products: list[dict[str, Any]]) -> dict[str, list]:
    data = {
        "matrices": [{"data": W, "rows": W.shape[0], "cols": W.shape[1]} for W in matrices],
        "products": products,
    }
    return run_script(SCRIPT, data)  # type: ignore[no-any-return]


def left_to_right(W: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``sum_j W[k, j] v[j]`` for every k, added in order of j (cumsum is sequential)."""
    with np.errstate(all="ignore"):
        return np.cumsum(W * v, axis=1)[:, -1]


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal bit for bit, any NaN matching any NaN (a NaN's payload is not float64's value)."""
    both_nan = np.isnan(a) & np.isnan(b)
    return bool((both_nan | (a.view(np.int64) == b.view(np.int64))).all())


# The cells' shapes at 64 units and 4 features (W_hh forward and back, W_xh forward and back),
# and shapes that are not multiples of the module's eight rows.
SHAPES = [(64, 64), (256, 64), (64, 256), (192, 64), (64, 192), (256, 4), (4, 256), (1, 1),
          (3, 5), (7, 1), (9, 9), (17, 300), (130, 2)]  # fmt: skip


@pytest.mark.parametrize("edges", [False, True], ids=["ordinary", "float64's ends"])
def test_webassembly_and_javascript_give_the_same_bits_as_sums_in_order(edges):
    rng = np.random.default_rng(11 if edges else 5)
    matrices = [matrix(rng, rows, cols, edges=edges) for rows, cols in SHAPES]
    products, expected = [], []
    for index, W in enumerate(matrices):
        for vOffset, outOffset in ((0, 0), (3, 5)):
            v = np.concatenate(
                [rng.normal(size=vOffset), matrix(rng, 1, W.shape[1], edges=edges)[0]]
            )
            if edges:
                v[vOffset + rng.integers(0, W.shape[1])] = rng.choice([np.inf, -np.inf, np.nan])
            products.append({"matrix": index, "v": v, "vOffset": vOffset, "outOffset": outOffset})
            expected.append(left_to_right(W, v[vOffset:]))
    answers = run(matrices, products)
    for k, want in enumerate(expected):
        wasm, js = answers["webassembly"][k], answers["javascript"][k]
        assert same_bits(wasm, js), (products[k]["matrix"], np.flatnonzero(wasm != js))
        assert same_bits(js, want), (products[k]["matrix"], np.flatnonzero(js != want))


def test_matrices_stay_right_across_the_memorys_fresh_starts_and_growth():
    # Each 200 x 200 matrix takes 320 KB of the module's memory: forty of them, each used again
    # after the others, overflow it more than once, and a pass that reuses many grows it.
    rng = np.random.default_rng(8)
    matrices = [matrix(rng, 200, 200) for _ in range(40)] + [matrix(rng, 1000, 700)]
    order = [*range(40), 40, *range(40), *range(39, -1, -1), 40, 0, 40]
    products, expected = [], []
    for index in order:
        v = rng.normal(size=matrices[index].shape[1])
        products.append({"matrix": index, "v": v, "vOffset": 0, "outOffset": 0})
        expected.append(left_to_right(matrices[index], v))
    answers = run(matrices, products)
    for k, want in enumerate(expected):
        assert same_bits(answers["webassembly"][k], want), (k, order[k])
        assert same_bits(answers["javascript"][k], want), (k, order[k])
