"""The text side of the character model: the vocabulary, loading a user's text safely, the
built-in corpora (and the Markov chain's exact entropy rate), and truncated-BPTT batches whose
streams really continue from one call to the next."""

from __future__ import annotations

import numpy as np
import pytest

from rnnwidget.training.corpora import (
    CORPORA,
    MarkovChain,
    Text,
    TextData,
    Vocabulary,
    corpus,
    entropy_rate_bits,
    load_text,
    markov_chain,
    one_hot,
)

SAMPLE = "def f(x):\n    return [x, {'a': (1, 2)}]\n"

# ---------------------------------------------------------------------------------------------
# Vocabulary and one-hot
# ---------------------------------------------------------------------------------------------


def test_encode_then_decode_gives_the_text_back():
    vocab = Vocabulary.of(SAMPLE + "é漢")
    assert vocab.chars == "".join(sorted(set(SAMPLE + "é漢")))
    indices = vocab.encode(SAMPLE + "漢é")
    assert indices.dtype == np.int64
    assert indices.shape == (len(SAMPLE) + 2,)
    assert vocab.decode(indices) == SAMPLE + "漢é"
    assert vocab.decode(indices.reshape(1, -1)) == SAMPLE + "漢é"
    assert [vocab.chars[i] for i in indices[:3]] == ["d", "e", "f"]
    assert vocab.decode(np.array([], dtype=np.int64)) == ""


def test_an_unknown_character_is_named_with_its_position():
    vocab = Vocabulary.of("abc ")
    with pytest.raises(ValueError, match=r"'z' at position 4"):
        vocab.encode("abc z a")
    with pytest.raises(ValueError, match=r"0 \.\.\. 3"):
        vocab.decode([0, 4])
    with pytest.raises(ValueError, match="sorted"):
        Vocabulary("ba")


def test_vocabulary_size_and_membership():
    vocab = Vocabulary.of("hello world")
    assert vocab.size == 8
    assert "o" in vocab
    assert "z" not in vocab
    assert "lo" not in vocab
    assert 3 not in vocab


def test_one_hot_puts_a_single_one_at_each_index():
    x = one_hot(np.array([[0, 2], [1, 1]]), 3)
    assert x.shape == (2, 2, 3)
    assert x.dtype == np.float64
    np.testing.assert_array_equal(x.sum(axis=-1), 1.0)
    np.testing.assert_array_equal(np.argmax(x, axis=-1), [[0, 2], [1, 1]])
    assert one_hot([1], 2, np.float32).dtype == np.float32
    with pytest.raises(ValueError, match=r"0 \.\.\. 2"):
        one_hot([3], 3)


# ---------------------------------------------------------------------------------------------
# load_text
# ---------------------------------------------------------------------------------------------


def test_a_str_is_the_text_itself_and_a_path_is_read(tmp_path):
    assert load_text(SAMPLE).text == SAMPLE
    assert load_text(SAMPLE).source == "<text>"
    path = tmp_path / "poem.txt"
    path.write_text("roses\r\nare red\n", encoding="utf-8")
    for source in (path, str(path)):
        loaded = load_text(source)
        assert loaded.text == "roses\nare red\n"  # newlines translated
        assert loaded.source == str(path)
        assert not loaded.truncated


def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfab ab")
    assert load_text(path).text == "ab ab"


def test_empty_text_and_empty_file_are_refused(tmp_path):
    with pytest.raises(ValueError, match="empty"):
        load_text("")
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="empty"):
        load_text(path)


def test_a_single_distinct_character_leaves_nothing_to_predict(tmp_path):
    with pytest.raises(ValueError, match="nothing to predict"):
        load_text("aaaaaaaa")
    path = tmp_path / "a.txt"
    path.write_text("x" * 100)
    with pytest.raises(ValueError, match="nothing to predict"):
        load_text(path)


@pytest.mark.parametrize(
    "content", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"ab\x00cd", b"caf\xe9 au lait"]
)
def test_a_binary_file_must_be_utf8_text(tmp_path, content):
    path = tmp_path / "data.bin"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="must be UTF-8 text"):
        load_text(path)


def test_a_file_longer_than_max_chars_is_cut_and_says_so(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("héllo wörld\n" * 10_000, encoding="utf-8")  # 120,000 characters
    loaded = load_text(path, max_chars=1000)
    assert len(loaded.text) == 1000
    assert loaded.truncated
    assert loaded.text == ("héllo wörld\n" * 100)[:1000]
    exact = load_text(path, max_chars=120_000)
    assert len(exact.text) == 120_000
    assert not exact.truncated
    assert load_text("abcdef", max_chars=3) == Text("abc", "<text>", truncated=True)


def test_a_directory_is_refused_as_path_or_str(tmp_path):
    for source in (tmp_path, str(tmp_path)):
        with pytest.raises(ValueError, match="is a directory"):
            load_text(source)


def test_a_missing_file_is_an_error_not_the_text(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(FileNotFoundError, match=r"nope\.txt"):
        load_text(missing)
    with pytest.raises(FileNotFoundError, match=r"nope\.txt"):
        load_text(str(missing))
    with pytest.raises(FileNotFoundError, match="shakespeare"):
        load_text("shakespeare.txt")
    assert load_text("see notes.txt for more").text == "see notes.txt for more"  # prose


def test_a_long_or_multiline_str_is_never_taken_for_a_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ab").write_text("the file, not the text")
    assert load_text("ab").text == "the file, not the text"  # an existing file by that name
    assert load_text("ab\n").text == "ab\n"
    assert load_text("ab" * 2048).text == "ab" * 2048


@pytest.mark.parametrize("source", [b"bytes text", 42, None, ["a", "b"]])
def test_neither_str_nor_path_names_the_type(source):
    with pytest.raises(TypeError, match=type(source).__name__):
        load_text(source)


def test_max_chars_must_be_positive():
    with pytest.raises(ValueError, match="max_chars"):
        load_text("abc", max_chars=0)


# ---------------------------------------------------------------------------------------------
# Built-in corpora
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPORA)
def test_built_in_corpora_are_deterministic_and_sized(name):
    first = corpus(name, size=20_000, seed=3)
    assert first == corpus(name, size=20_000, seed=3)
    assert first.name == name
    assert 19_000 <= len(first.text) <= 20_000
    assert 2 <= Vocabulary.of(first.text).size <= 100
    assert first.description.endswith(".")
    if name != "python":
        assert first.text != corpus(name, size=20_000, seed=4).text


def test_the_python_corpus_is_python_with_a_modest_alphabet():
    text = corpus("python").text
    vocab = Vocabulary.of(text)
    assert vocab.size <= 100
    assert all(c in vocab for c in "():\n '\"")
    assert "\t" not in vocab
    assert text.isascii()
    assert text.count("def ") > 100
    assert "\n    return " in text
    assert 900_000 <= len(text) <= 1_000_000
    assert text.endswith("\n")


def test_every_brackets_line_is_balanced_and_nested():
    text = corpus("brackets", size=50_000, seed=1).text
    pairs = {")": "(", "]": "[", "}": "{", ">": "<"}
    deepest = 0
    for line in text.splitlines():
        stack: list[str] = []
        for char in line:
            if char in "([{<":
                stack.append(char)
                deepest = max(deepest, len(stack))
            elif char in pairs:
                assert stack, f"{line!r} closes what is not open"
                assert stack.pop() == pairs[char], f"{line!r} closes the wrong kind"
        assert not stack, f"{line!r} leaves {stack} open"
    assert deepest == 4
    assert set("([{<>}])") <= set(text)


def test_unknown_corpus_and_tiny_size_are_refused():
    with pytest.raises(ValueError, match="'python', 'brackets', 'markov'"):
        corpus("shakespeare")
    with pytest.raises(ValueError, match="size"):
        corpus("markov", size=10)


# ---------------------------------------------------------------------------------------------
# The Markov chain and its entropy rate
# ---------------------------------------------------------------------------------------------


def test_entropy_rate_of_chains_worked_by_hand():
    assert entropy_rate_bits([[0.5, 0.5], [0.5, 0.5]]) == pytest.approx(1.0)
    assert entropy_rate_bits([[0.0, 1.0], [1.0, 0.0]]) == 0.0  # a deterministic cycle
    # From state 0 a fair coin (1 bit); state 1 always returns to 0. pi = (2/3, 1/3).
    assert entropy_rate_bits([[0.5, 0.5], [1.0, 0.0]]) == pytest.approx(2 / 3)
    same_rows = np.tile([0.7, 0.2, 0.1], (3, 1))  # i.i.d. characters: H of one row
    h = -sum(p * np.log2(p) for p in (0.7, 0.2, 0.1))
    assert entropy_rate_bits(same_rows) == pytest.approx(h)


def test_entropy_rate_refuses_what_is_not_a_chain():
    with pytest.raises(ValueError, match="square"):
        entropy_rate_bits(np.ones((2, 3)) / 3)
    with pytest.raises(ValueError, match="sums to 1"):
        entropy_rate_bits([[0.5, 0.6], [0.5, 0.5]])
    with pytest.raises(ValueError, match="irreducible"):
        entropy_rate_bits(np.eye(2))


def test_the_order_2_state_matrix_shifts_the_window():
    chain = markov_chain("ab", order=2, seed=0)
    q = chain.state_matrix
    assert q.shape == (4, 4)
    # state "ba" (index 2) followed by "b" (1) goes to "ab" (index 1) with P[2, 1]
    assert q[2, 1] == chain.transitions[2, 1]
    assert q[2, 0] == chain.transitions[2, 0]  # "ba" + "a" -> "aa"
    np.testing.assert_allclose(q.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    ("alphabet", "order"), [(" aeilnorst", 2), (" abcdefghijklmnopqrstuvwxyz", 1)]
)
def test_a_long_sample_scores_the_entropy_rate_under_the_true_chain(alphabet, order):
    chain = markov_chain(alphabet, order=order, seed=5)
    v = len(alphabet)
    assert chain.entropy_rate < 0.8 * np.log2(v)
    text = chain.sample(400_000, np.random.default_rng(1))
    symbols = np.array([alphabet.index(c) for c in text])
    states = sum(symbols[i : len(symbols) - order + i] * v ** (order - 1 - i) for i in range(order))
    bits = -np.log2(chain.transitions[states, symbols[order:]])
    assert bits.mean() == pytest.approx(chain.entropy_rate, rel=0.01)


def test_the_markov_corpus_reports_its_chain_entropy():
    c = corpus("markov", size=5_000, seed=2)
    chain = markov_chain(seed=2)
    assert isinstance(chain, MarkovChain)
    assert c.entropy_rate == pytest.approx(chain.entropy_rate)
    assert 1.0 < c.entropy_rate < np.log2(10)
    assert Vocabulary.of(c.text).chars == "".join(sorted(chain.alphabet))
    assert corpus("python", size=5_000).entropy_rate is None
    assert corpus("brackets", size=5_000).entropy_rate is None


# ---------------------------------------------------------------------------------------------
# TextData: the split and the batches
# ---------------------------------------------------------------------------------------------


def test_the_validation_tail_is_held_out_of_every_training_batch():
    text = "ab ba " * 150 + "xyzw" * 25  # 900 training characters, then a 100-character tail
    data = TextData(text, bptt_steps=10, validation_fraction=0.1)
    assert data.train_text + data.validation_text == text
    assert data.validation_text == "xyzw" * 25
    assert data.vocabulary.chars == " abwxyz"
    held_out = data.vocabulary.encode("wxyz")
    for _ in range(300):  # several passes
        inputs, targets, _ = data.next_batch(4, 10)
        assert not np.isin(inputs, held_out).any()
        assert not np.isin(targets, held_out).any()
    for inputs, targets in data.validation_batches(10):
        assert np.isin(inputs, held_out).all()
        assert np.isin(targets, held_out).all()


def test_the_split_respects_the_window_and_the_cap():
    assert len(TextData("ab" * 50, bptt_steps=20).validation_text) == 21  # >= one window
    assert len(TextData("ab" * 1000, max_validation_chars=30).validation_text) == 30
    with pytest.raises(ValueError, match="needs at least 52"):
        TextData("ab" * 25, bptt_steps=25)
    with pytest.raises(ValueError, match="validation_fraction"):
        TextData("ab" * 100, validation_fraction=1.0)


def test_batches_are_next_characters_in_contiguous_streams():
    text = corpus("brackets", size=5_000, seed=0).text
    data = TextData(text, bptt_steps=16)
    inputs, targets, reset = data.next_batch(8, 16)
    assert reset
    assert inputs.shape == targets.shape == (8, 16)
    assert inputs.dtype == targets.dtype == np.int64
    np.testing.assert_array_equal(inputs[:, 1:], targets[:, :-1])  # targets: one step ahead
    for row_in, row_out in zip(inputs, targets):
        piece = data.vocabulary.decode(row_in) + data.vocabulary.decode(row_out[-1:])
        assert piece in data.train_text
    for _ in range(20):
        previous = targets
        inputs, targets, reset = data.next_batch(8, 16)
        assert not reset
        np.testing.assert_array_equal(inputs[:, 0], previous[:, -1])  # each stream continues


def test_the_streams_wrap_with_a_reset_after_a_pass():
    data = TextData("abcdefghij" * 20, bptt_steps=5, validation_fraction=0.1)  # 180 to train
    span = (180 - 1) // 3  # 59 pairs per stream: 11 chunks of 5
    first, _, reset = data.next_batch(3, 5)
    assert reset
    resets = [data.next_batch(3, 5)[2] for _ in range(10)]
    assert not any(resets)
    assert data.epoch == 0
    again, _, reset = data.next_batch(3, 5)
    assert reset
    assert data.epoch == 1
    np.testing.assert_array_equal(again, first)
    np.testing.assert_array_equal(first[:, 0], data.train[np.arange(3) * span])
    _, _, reset = data.next_batch(2, 5)  # a new layout starts over
    assert reset


def test_a_batch_too_wide_for_the_training_part_is_refused():
    data = TextData("ab" * 100, bptt_steps=10)
    with pytest.raises(ValueError, match="lower batch_size or bptt_steps"):
        data.next_batch(20, 10)


@pytest.mark.parametrize("batch_size", [1, 3])
def test_validation_chunks_cover_the_tail_contiguously(batch_size):
    data = TextData(corpus("markov", size=2_000).text, bptt_steps=7)
    chunks = data.validation_batches(7, batch_size)
    inputs = np.concatenate([x for x, _ in chunks], axis=1)
    targets = np.concatenate([y for _, y in chunks], axis=1)
    assert all(x.shape[1] == 7 for x, _ in chunks[:-1])
    assert 1 <= chunks[-1][0].shape[1] <= 7
    span = (len(data.validation) - 1) // batch_size
    assert inputs.shape == (batch_size, span)
    for b in range(batch_size):
        np.testing.assert_array_equal(inputs[b], data.validation[b * span : (b + 1) * span])
        np.testing.assert_array_equal(
            targets[b], data.validation[b * span + 1 : (b + 1) * span + 1]
        )
    if batch_size == 1:
        assert data.vocabulary.decode(np.r_[inputs[0], targets[0, -1]]) == data.validation_text


def test_text_data_wants_a_str():
    with pytest.raises(TypeError, match="got Text"):
        TextData(load_text("ab ba ab"))
