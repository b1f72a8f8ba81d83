"""The weights of a run along the way, kept so that a lecture can scrub through training like a
film: step 0 always, then every ``every`` steps, in bounded memory.

:class:`Snapshots` starts by keeping every step. Whenever it would hold more than its limit,
it doubles ``every`` and drops the snapshots that are not multiples of the new one (step 0 is a
multiple of everything), so the film stays evenly spaced over the whole run and its memory
stays under the bound however long training goes:

=========================  ==================================================
steps so far               ``every``, snapshots kept (limit 256)
=========================  ==================================================
fewer than 256             1, one per step
256 to 511                 2
...                        doubling at 1024, 2048, 4096, 8192, 16384
10,000                     64, 157 snapshots
20,000 (the view's limit)  128, 157 snapshots
=========================  ==================================================

The limit is :data:`MAX_SNAPSHOTS` snapshots or :data:`MAX_BYTES` bytes of weights, whichever
is smaller: a 128-unit LSTM on the recall task (69,636 float32 weights, 0.28 MB a snapshot)
keeps at most 240, under 64 MiB in all; the largest language model (128 units, a vocabulary of
a hundred characters) keeps fewer, spaced further apart.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._checks import positive_int
from ..cells.elman import Array

__all__ = ["MAX_BYTES", "MAX_SNAPSHOTS", "Snapshots"]

#: At most this many snapshots of one run ...
MAX_SNAPSHOTS = 256
#: ... and at most this many bytes of weights in them.
MAX_BYTES = 64 * 2**20


class Snapshots:
    """Copies of a run's weights at step 0 and every :attr:`every` steps, in bounded memory.

    Args:
        params: the weights at step 0, by name (``Trainer.params``); each is copied.
        max_snapshots: the most snapshots kept at once (at least 2).
        max_bytes: the most bytes of weights kept at once; the limit is the smaller of the two,
            and at least 2 snapshots (step 0 and the latest multiple of ``every``).
    """

    def __init__(
        self,
        params: Mapping[str, Array],
        *,
        max_snapshots: int = MAX_SNAPSHOTS,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        per_snapshot = sum(array.nbytes for array in params.values())
        self.limit = max(
            2, min(positive_int("max_snapshots", max_snapshots), max_bytes // per_snapshot)
        )
        #: The spacing of the snapshots kept, in steps: a power of two.
        self.every = 1
        self._kept: dict[int, dict[str, Array]] = {}
        self.take(0, params)

    @property
    def steps(self) -> list[int]:
        """The steps kept, in order: 0, every, 2 every, ..."""
        return sorted(self._kept)

    @property
    def nbytes(self) -> int:
        """The bytes of weights kept."""
        return sum(array.nbytes for weights in self._kept.values() for array in weights.values())

    def __len__(self) -> int:
        return len(self._kept)

    def __contains__(self, step: object) -> bool:
        return step in self._kept

    def take(self, step: int, params: Mapping[str, Array]) -> None:
        """Keep a copy of ``params`` as the weights after ``step`` updates, if ``step`` is a
        multiple of :attr:`every`; thin the film out if it would outgrow its limit."""
        if step % self.every:
            return
        self._kept[step] = {name: array.copy() for name, array in params.items()}
        while len(self._kept) > self.limit:
            self.every *= 2
            self._kept = {s: w for s, w in self._kept.items() if s % self.every == 0}

    def at(self, step: int) -> dict[str, Array]:
        """The weights kept at ``step``, by name (read-only arrays). A step not kept is a
        ``ValueError`` naming the nearest ones that are."""
        weights = self._kept.get(step)
        if weights is None:
            raise ValueError(self._missing(step))
        views = {}
        for name, array in weights.items():
            view = array.view()
            view.flags.writeable = False
            views[name] = view
        return views

    def _missing(self, step: int) -> str:
        steps = np.array(self.steps)
        below, above = steps[steps < step], steps[steps > step]
        near = [str(s) for s in (below[-1:].tolist() + above[:1].tolist())]
        every = "every step" if self.every == 1 else f"every {self.every} steps"
        return (
            f"no snapshot at step {step!r}: snapshots are kept {every} (step 0 to "
            f"{steps[-1]}); the nearest {'is' if len(near) == 1 else 'are'} {' and '.join(near)}"
        )
