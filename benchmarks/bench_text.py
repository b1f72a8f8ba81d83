"""The character-level language model (``Trainer(task="text")``): its speed against PyTorch, how
close it gets to the best possible loss, and how soon it writes recognisable Python.

Run: python benchmarks/bench_text.py [--quick] [--only speed|markov|python] [--repeat N]
     [--seconds S] [--units U] [--lr LR]
(PyTorch from the ``bench`` extra: ``pip install -e ".[bench]"``.) At most about 6 minutes in
all on two slow cores; ``--quick`` about 2.

1. **Speed.** One training step on the ``"python"`` corpus (V = 96 characters), units 128,
   ``bptt_steps`` 50, a batch of 32 streams, Adam at lr 1e-2, gradient norm clipping at 1, in
   float32, for each cell:

   - numpy: ``Trainer(task="text", corpus="python", cell=..., units=128).step()``: the next chunk
     of every stream (one-hot), forward, a softmax read-out on every step, BPTT from the state
     carried in, clipping, Adam, and what a step records besides (``log10 ||dL/dh_t||`` for every
     t; the spectral radius of W_hh for the Elman cell, the mean forget/update gate otherwise).
   - PyTorch: ``nn.RNN`` (tanh) / ``nn.GRU`` / ``nn.LSTM`` (batch_first) and an ``nn.Linear``
     read-out on every step, ``cross_entropy`` over every step, ``backward()``,
     ``clip_grad_norm_(1.0)``, ``torch.optim.Adam(lr=1e-2)``, the state carried from chunk to
     chunk and detached (truncated BPTT; zeroed when the streams start over), on the same chunks
     of the same text, one-hot by the same numpy code and converted with ``torch.from_numpy``.
     It records nothing.

   Both on one thread (``torch.set_num_threads(1)``; numpy's BLAS limited to one thread by
   :func:`rnnwidget._threads.single_threaded_blas`). Steps per second are the best of N repeats
   of a loop of about 0.1 s (like ``timeit``) after a warm-up. (The Elman step records the
   spectral radius of W_hh, an eigenvalue computation that takes a large share of its time at
   this size.)

2. **Bits per character against the optimum.** The ``"markov"`` corpus is text from a known
   order-2 Markov chain over 10 characters, whose entropy rate H (bits per character) is the
   lowest loss any model can reach on average. Each cell (units 64, the trainer's defaults
   otherwise: lr 1e-2, ``bptt_steps`` 50, batch 32, seed 0) trains a fixed number of steps; the
   table shows the validation loss (``Trainer.evaluate()``: nats on the first 16,384 held-out
   characters, read as 32 streams from a zero state) in bits (/ ln 2) and its ratio to H. The
   target is a ratio below 1.10. For scale: the uniform guess scores log2 10 = 3.32 bits, and
   the chain itself scores what the last line shows on the same held-out characters (the
   sample's own luck: it is not exactly H).

3. **Time to recognisable Python.** An LSTM with 128 units (``--units``; the other settings the
   trainer's defaults, as above: lr 1e-2, ``--lr``) trains on the ``"python"`` corpus. Every 50
   steps it writes eight samples of 400 characters at temperature 0.8 (seeds 0-7, each starting
   after a newline) and the timeline shows the wall time (training, evaluating and sampling), the
   steps, the validation bits per character, and simple indicators over the eight samples:

   - ``indent``: of the non-empty lines, the fraction indented by a multiple of 4 spaces;
   - ``def``, ``return``, ``self.``: how often each occurs, in all eight samples together;
   - ``balanced``: how many of the samples close every ``( [ {`` they open, in order (no closer
     without its opener, nothing open at the end; brackets inside strings count too);
   - ``names``: of the names of three or more characters written, the fraction that occur in
     the training text (made-up words such as ``uperate`` do not).

   It stops at ``--seconds`` (default 300) or as soon as the criterion has held at two
   checkpoints in a row: indentation at least 90 %, ``def`` written, at least 4 of 8 samples
   balanced, and some line indented (so that flat text cannot pass). Half, not all: a window of
   400 characters often ends inside a call or a literal that goes on past it; of eight such
   windows of the held-out text itself, six are balanced. The same indicators on
   eight 400-character windows of the held-out text itself (each from a line's start) are
   printed first, as the target; the last sample is printed at the end. The anchor of the
   timeline's wall time is PyTorch's time for as many steps of the same LSTM (the step of part
   1), measured in the same run. (A lower learning rate
   is slower here: at lr 3e-3 the validation loss was 1.97 bits per character after 300 s,
   against 1.85 at 1e-2, and the criterion did not hold twice in a row.)
"""

from __future__ import annotations

import argparse
import math
import re
import time
import timeit
from collections.abc import Callable, Sequence

import numpy as np
import torch
from _report import Table, number, ratio, run_line

from rnnwidget._threads import single_threaded_blas
from rnnwidget.training import Trainer
from rnnwidget.training.corpora import markov_chain, stationary_distribution
from rnnwidget.training.language import NextCharacter

CELLS = ("elman", "gru", "lstm")
TORCH_MODULES = {"elman": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
SPEED_UNITS, BPTT, BATCH = 128, 50, 32
MARKOV_UNITS = 64
PYTHON_UNITS, PYTHON_LR = 128, 1e-2
SAMPLE_CHARS, SAMPLES, TEMPERATURE = 400, 8, 0.8
BALANCED_NEEDED = SAMPLES // 2  # of 8 held-out windows of 400 characters, 6 are balanced


# ---------------------------------------------------------------------------------------------
# 1. Steps per second
# ---------------------------------------------------------------------------------------------


def steps_per_second(step: Callable[[], object], repeat: int) -> float:
    """The best of ``repeat`` timings of a loop of ``step`` calls (about 0.1 s each)."""
    for _ in range(5):  # warm-up: caches, allocator, Adam's moments
        step()
    number = max(1, int(0.1 / max(timeit.timeit(step, number=3) / 3, 1e-6)))
    return number / min(timeit.repeat(step, number=number, repeat=repeat))


def numpy_step(cell: str) -> Callable[[], object]:
    trainer = Trainer("text", corpus="python", cell=cell, units=SPEED_UNITS, batch_size=BATCH)
    return trainer.step


def torch_step(cell: str, units: int = SPEED_UNITS) -> Callable[[], object]:
    """The same network, data and update in PyTorch, float32."""
    torch.manual_seed(0)
    task = NextCharacter(corpus_name="python", bptt_steps=BPTT)
    vocabulary = task.vocabulary.size
    rnn = TORCH_MODULES[cell](vocabulary, units, batch_first=True)
    readout = torch.nn.Linear(units, vocabulary)
    params = [*rnn.parameters(), *readout.parameters()]
    optimizer = torch.optim.Adam(params, lr=1e-2)
    carried: list[object] = [None]  # the state between chunks (None: zeros)

    def step() -> float:
        x, targets, restart = task.next_batch(BATCH, np.float32)
        state = None if restart else carried[0]
        states, final = rnn(torch.from_numpy(x), state)
        logits = readout(states)  # (batch, T, V): a read-out on every step
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, vocabulary), torch.from_numpy(targets).reshape(-1)
        )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        # truncated BPTT: the next chunk starts from this state, the gradient stops here
        carried[0] = tuple(s.detach() for s in final) if cell == "lstm" else final.detach()
        return float(loss.detach())

    return step


def speed(repeat: int) -> None:
    table = Table(
        f"1. Training steps per second: 'python' corpus (V=96), units={SPEED_UNITS}, "
        f"bptt_steps={BPTT}, batch {BATCH}, Adam, clip 1, float32, one thread each, best of "
        f"{repeat} loops of about 0.1 s; ratio: numpy's rate over PyTorch's (above 1: numpy is "
        "faster).",
        ["cell", "numpy steps/s", "PyTorch steps/s", "ratio"],
    )
    for cell in CELLS:
        ours = steps_per_second(numpy_step(cell), repeat)
        theirs = steps_per_second(torch_step(cell), repeat)
        table.add(cell, number(ours), number(theirs), ratio(ours, theirs))
    print(f"{table}\n", flush=True)  # a blank line ends the Markdown table


# ---------------------------------------------------------------------------------------------
# 2. Bits per character on a Markov chain, against its entropy rate
# ---------------------------------------------------------------------------------------------


def chain_bits(task: NextCharacter) -> float:
    """The true chain's own loss, in bits per character, on the characters an evaluation scores:
    each predicted from the two before it, but a stream's first prediction (after one character,
    from a zero state) from that character alone, the chain averaged over the unseen one."""
    chain = markov_chain()  # the "markov" corpus's chain (seed 0)
    assert chain.alphabet == task.vocabulary.chars, "the corpus's chain has changed"
    v = len(chain.alphabet)
    # the streams whole, as an evaluation reads them: (streams, characters)
    chunks = task.validation_chunks()
    streams = np.concatenate([inputs for inputs, _ in chunks], axis=1)
    nexts = np.concatenate([targets for _, targets in chunks], axis=1)
    p = chain.transitions
    # (characters in the order prev2, prev1) -> state index prev2 * v + prev1
    state = streams[:, :-1] * v + streams[:, 1:]  # predicts nexts[:, 1:]
    bits = -np.log2(p[state, nexts[:, 1:]])
    # a stream's first prediction has read one character: the best guess averages the chain
    # over the unseen one before it, weighted by the stationary distribution of the 2-grams
    pi = stationary_distribution(chain.state_matrix).reshape(v, v)  # pi[a, b]: P(last two = ab)
    first = streams[:, 0]
    weights = pi[:, first]  # (v, streams): P(prev2 = a, prev1 = first)
    conditional = np.einsum("as,asj->sj", weights, p.reshape(v, v, v)[:, first])
    conditional /= weights.sum(axis=0)[:, np.newaxis]
    first_bits = -np.log2(conditional[np.arange(len(first)), nexts[:, 0]])
    return float(bits.sum() + first_bits.sum()) / (bits.size + first_bits.size)


def markov(steps: int, checkpoints: Sequence[int]) -> None:
    probe = NextCharacter(corpus_name="markov", bptt_steps=BPTT)
    entropy = probe.entropy_rate
    assert entropy is not None
    table = Table(
        f"2. Validation bits per character on the 'markov' corpus (order 2, V=10) after a fixed "
        f"number of steps: units={MARKOV_UNITS}, lr 1e-2, bptt_steps={BPTT}, batch {BATCH}, "
        f"seed 0; the anchor is the chain's entropy rate H = {entropy:.4f} bits/char, the best "
        f"any model can do (chance: log2 10 = {math.log2(10):.3f}); ratio: the last over H.",
        ["cell", *(f"bits @{s}" for s in checkpoints), "ratio"],
    )
    for cell in CELLS:
        trainer = Trainer("text", corpus="markov", cell=cell, units=MARKOV_UNITS)
        bits: list[float] = []
        for step in range(1, steps + 1):
            trainer.step()
            if step in checkpoints:
                bits.append(trainer.evaluate().loss / math.log(2))
        table.add(cell, *(f"{b:.4f}" for b in bits), ratio(bits[-1], entropy))
    print(f"{table}\n")
    print(
        f"The chain itself scores {chain_bits(probe):.4f} bits/char on the same held-out "
        "characters.\n",
        flush=True,
    )


# ---------------------------------------------------------------------------------------------
# 3. Time to recognisable Python
# ---------------------------------------------------------------------------------------------

PAIRS = {")": "(", "]": "[", "}": "{"}
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")  # names of 3 characters or more


def balanced(text: str) -> bool:
    """Every ``( [ {`` closed by its own kind, in order, and nothing left open."""
    stack: list[str] = []
    for char in text:
        if char in "([{":
            stack.append(char)
        elif char in PAIRS and (not stack or stack.pop() != PAIRS[char]):
            return False
    return not stack


def indicators(samples: Sequence[str], known: set[str]) -> dict[str, float]:
    """The timeline's indicators over ``samples``; ``known``: the training text's names."""
    lines = [line for text in samples for line in text.split("\n") if line.strip()]
    indents = [len(line) - len(line.lstrip(" ")) for line in lines]
    names = [name for text in samples for name in NAME.findall(text)]
    return {
        "indent": sum(i % 4 == 0 for i in indents) / max(1, len(indents)),
        "indented": float(sum(i > 0 for i in indents)),
        "def": float(sum(text.count("def ") for text in samples)),
        "return": float(sum(text.count("return") for text in samples)),
        "self.": float(sum(text.count("self.") for text in samples)),
        "balanced": float(sum(map(balanced, samples))),
        "names": sum(name in known for name in names) / max(1, len(names)),
    }


def recognisable(found: dict[str, float]) -> bool:
    return (
        found["indent"] >= 0.9
        and found["def"] >= 1
        and found["balanced"] >= BALANCED_NEEDED
        and found["indented"] >= 1
    )


def indicator_cells(found: dict[str, float]) -> list[str]:
    """The timeline's indicator columns for one row."""
    return [
        f"{found['indent']:.0%}", f"{found['def']:.0f}", f"{found['return']:.0f}",
        f"{found['self.']:.0f}", f"{found['balanced']:.0f}/{SAMPLES}", f"{found['names']:.0%}",
    ]  # fmt: skip


def python(seconds: float, every: int, units: int, learning_rate: float) -> None:
    trainer = Trainer(
        "text", corpus="python", cell="lstm", units=units, learning_rate=learning_rate
    )
    task = trainer.task
    assert isinstance(task, NextCharacter)
    known = set(NAME.findall(task.data.train_text))
    held_out = task.data.validation_text
    line_starts = [0] + [m.end() for m in re.finditer("\n", held_out[:-SAMPLE_CHARS])]
    spread = np.linspace(0, len(line_starts) - 1, SAMPLES).astype(int)
    reference = [held_out[line_starts[i] : line_starts[i] + SAMPLE_CHARS] for i in spread]
    torch_rate = steps_per_second(torch_step("lstm", units), 5)
    table = Table(
        f"3. Time to recognisable Python: LSTM units={units} on the 'python' corpus "
        f"(V={task.vocabulary.size}), lr {learning_rate:g}, bptt_steps={BPTT}, batch {BATCH}, "
        f"seed 0; every {every} steps {SAMPLES} samples of {SAMPLE_CHARS} characters at "
        f"temperature {TEMPERATURE}; stop at {seconds:.0f} s or when, at two checkpoints in a "
        f"row, indent >= 90 %, def written, >= {BALANCED_NEEDED}/{SAMPLES} balanced, some line "
        "indented. Ratio: the wall time (training, evaluating and sampling) over PyTorch's "
        f"time for as many steps of the same LSTM ({torch_rate:.1f} steps/s in this run).",
        [
            "seconds", "ratio", "steps", "bits/char", "indent", "def", "return", "self.",
            "balanced", "names", "",
        ],
        text_columns=0,
    )  # fmt: skip
    reading = indicator_cells(indicators(reference, known))
    table.add("", "", "", "held-out text", *reading, "target")
    chance = f"{math.log2(task.vocabulary.size):.3f}"
    table.add("0", "", "0", chance, *[""] * 6, "chance: log2 V")
    start = time.perf_counter()
    samples: list[str] = []
    met_at: float | None = None
    before = False  # whether the criterion held at the checkpoint before
    while time.perf_counter() - start < seconds:
        for _ in range(every):
            trainer.step()
        bits = trainer.evaluate().loss / math.log(2)
        samples = [
            trainer.sample(SAMPLE_CHARS, temperature=TEMPERATURE, seed=seed)
            for seed in range(SAMPLES)
        ]
        found = indicators(samples, known)
        elapsed = time.perf_counter() - start
        now = recognisable(found)
        note = "met twice in a row" if now and before else "met" if now else ""
        table.add(
            f"{elapsed:.1f}", ratio(elapsed, trainer.steps / torch_rate), trainer.steps,
            f"{bits:.3f}", *indicator_cells(found), note,
        )  # fmt: skip
        if now and before:
            met_at = elapsed
            break
        before = now
    print(f"{table}\n")
    outcome = (
        f"the criterion held twice in a row after {met_at:.1f} s, {trainer.steps} steps"
        if met_at is not None
        else f"the criterion did not hold twice in a row in {seconds:.0f} s ({trainer.steps} steps)"
    )
    print(f"Training alone: {trainer.steps_per_second:.1f} steps/s; {outcome}.\n")
    fence = "`" * max(3, 1 + max(map(len, re.findall("`+", samples[0])), default=0))
    print(f"The last sample (seed 0):\n\n{fence}text\n{samples[0]}\n{fence}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--quick", action="store_true", help="shorter budgets (about 2 minutes)")
    parser.add_argument("--only", choices=("speed", "markov", "python"), help="one part only")
    parser.add_argument("--repeat", type=int, help="speed: timings per entry (best taken)")
    parser.add_argument("--seconds", type=float, help="python: the wall-clock budget")
    parser.add_argument("--units", type=int, default=PYTHON_UNITS, help="python: LSTM units")
    parser.add_argument("--lr", type=float, default=PYTHON_LR, help="python: learning rate")
    args = parser.parse_args()
    repeat = args.repeat or (5 if args.quick else 20)
    markov_steps = 500 if args.quick else 1500
    checkpoints = (100, 250, 500) if args.quick else (100, 250, 500, 1000, 1500)
    seconds = args.seconds or (60.0 if args.quick else 300.0)
    torch.set_num_threads(1)
    print(run_line(torch=torch.__version__))
    print()
    start = time.perf_counter()
    with single_threaded_blas():
        if args.only in (None, "speed"):
            speed(repeat)
        if args.only in (None, "markov"):
            markov(markov_steps, checkpoints)
        if args.only in (None, "python"):
            python(seconds, every=50, units=args.units, learning_rate=args.lr)
    print(f"\nThe whole run: {time.perf_counter() - start:.0f} s.")


if __name__ == "__main__":
    main()
