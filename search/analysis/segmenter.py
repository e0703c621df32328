"""The one adapter around pyvi: Vietnamese word segmentation with character offsets.

Nothing else in the project imports pyvi or knows its quirks:
- it is slow and memory-hungry on long lines, so text is fed a sentence-sized piece at a time;
- most of `ViTokenizer.tokenize`'s time goes to building a dict of features per syllable that
  sklearn-crfsuite then converts again; `_tokenize` feeds pyvi's own CRF model the same features
  as strings instead, and joins its labels by pyvi's own rule: the same output, ~2.3x faster
  (tests/test_analysis.py compares the two on real text);
- it joins syllables of a word with "_" and spaces out punctuation; `_words` takes the syllables'
  offsets from pyvi's own syllable pattern instead of aligning that output string back onto the
  input (only text that is not NFC, which pyvi normalises first, is aligned);
- importing `pyvi.ViTokenizer` takes ~1.1 s, nearly all of it scikit-learn, which its pickled
  model (a sklearn-crfsuite CRF) names but tagging never uses; `_load_model` reads the same
  model file and word list without running either library's code (the CRF's bytes go to
  pycrfsuite in memory: 0.1 s, and no temporary model file in /tmp per process). pyvi itself
  is imported only for `reference_tokenize` (tests, the indexing benchmark's floor).
"""
from __future__ import annotations

import importlib.util
import pickle
import re
import string
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

# pyvi cost grows faster than linearly with line length; pieces of at most this many characters
# keep it at its ~0.5 M chars/s rate. Splits happen at sentence ends, else at spaces.
_MAX_PIECE = 400
_PIECE = re.compile(r"[^\n]{1,%d}(?:(?<=[.!?;:])\s|\s|$)|[^\n]+" % _MAX_PIECE)
_HAS_WORD_CHAR = re.compile(r"\w")
# pyvi's syllable pattern, verbatim (ViTokenizer.sylabelize builds it on every call), so that
# syllables come with their offsets; tests compare the words with pyvi's own output.
_PYVI_SYLLABLE = re.compile("(" + "|".join([
    r"[A-ZĐ]+\.", r"Tp\.", r"Mr\.", r"Mrs\.", r"Ms\.", r"Dr\.", r"ThS\.",  # abbreviations
    "==>", "->", r"\.\.\.", ">>", "\n",  # specials
    r"\w+://[^\s]+", r"([a-zA-Z0-9_.+-]+@([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+)",  # web, email
    r"\d+([\.,_]\d+)+", r"[^\w\s]", r"\w+",  # digits, non-word, word
]) + ")", re.UNICODE)

_lock = threading.Lock()
_tokenizer: Any = None
_model: _Model | None = None
_local = threading.local()  # a CRF tagger per thread: pycrfsuite's Tagger is not thread-safe

# What a process that will segment text can import ahead of time (indexing's fork server):
# importing it loads the model, which forked children then share.
PRELOAD_MODULES = ("search.analysis.preload",)


class Segment(NamedTuple):
    """One word as pyvi saw it, as written in the input, and where it stands there.
    (A named tuple, not a frozen dataclass: indexing makes millions, ~4x cheaper this way.)"""

    text: str  # the word as written in the input, e.g. "Điện Kremlin"
    start: int
    end: int



class _Model(NamedTuple):
    """What tagging needs of pyvi's package data."""

    bi_grams: frozenset[str]  # pyvi's known two- and three-syllable words, lowercase
    tri_grams: frozenset[str]
    crf: bytes  # the CRF model, as pycrfsuite reads it


class _State:
    """Stands for the classes pyvi's model pickle names (sklearn-crfsuite's CRF and its file
    holder, pycrfsuite's training log): keeps their pickled attributes, runs none of their code."""

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


class _ModelUnpickler(pickle.Unpickler):
    _STANDS_FOR = ("sklearn_crfsuite.", "pycrfsuite.")
    _ALLOWED = {("numpy.core.multiarray", "scalar"), ("numpy", "dtype"), ("_codecs", "encode")}

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith(self._STANDS_FOR):
            return _State
        if (module, name) in self._ALLOWED:  # the CRF's numpy float parameters
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"pyvi's model names {module}.{name}, which this adapter does not expect")


def _load_model() -> _Model:
    """pyvi's word list and CRF, read as `pyvi.ViTokenizer` reads them at import."""
    spec = importlib.util.find_spec("pyvi")
    if spec is None or spec.origin is None:
        raise ImportError("pyvi is not installed")
    models = Path(spec.origin).parent / "models"
    tokens = (models / "words.txt").read_text(encoding="utf-8").split("\n")
    bi = {t for t in tokens if len(t.split(" ")) == 2}
    tri = {t for t in tokens if len(t.split(" ")) == 3}
    with open(models / "pyvi3.pkl", "rb") as f:
        crf = _ModelUnpickler(f).load()
    return _Model(frozenset(bi), frozenset(tri), crf.modelfile.__dict__["__FILE_RESOURCE_DATA__"])


class SegmenterUnavailable(RuntimeError):
    """pyvi or its model cannot be read: nothing can be segmented (the CLI says so in one line)."""


def model() -> _Model:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                try:
                    _model = _load_model()
                except (OSError, ImportError, EOFError, KeyError, AttributeError, ValueError, pickle.UnpicklingError) as e:
                    raise SegmenterUnavailable(
                        f"pyvi's word segmentation model cannot be read ({type(e).__name__}: {e}); "
                        "reinstall the project's dependencies (pip install --force-reinstall pyvi)") from e
    return _model


def _pyvi() -> Any:
    """pyvi's own tokenizer, for `reference_tokenize` only."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                from pyvi.ViTokenizer import ViTokenizer  # heavy: scikit-learn

                _tokenizer = ViTokenizer
    return _tokenizer


def warm_up() -> None:
    """Load the model now (servers call this at start so the first request is not slow)."""
    _tokenize("Khởi động")


def _tagger() -> Any:
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        import pycrfsuite  # installed with pyvi: its CRF library

        tagger = pycrfsuite.Tagger()
        tagger.open_inmemory(model().crf)  # reads the bytes in place: `model()` keeps them alive
        _local.tagger = tagger
    return tagger


_SYLLABLE_PARTS_MAX = 200_000  # distinct syllables remembered (a year of news has ~60k)
_syllable_parts: dict[str, tuple[list[str], list[str], list[str]]] = {}


def _parts(syllable: str) -> tuple[list[str], list[str], list[str]]:
    """A syllable's own attributes, and those it lends its left and right neighbours: the part
    of pyvi's features that depends on the syllable alone, computed once per distinct syllable."""
    parts = _syllable_parts.get(syllable)
    if parts is None:
        lower, title, upper = syllable.lower(), syllable.istitle(), syllable.isupper()
        own = ["bias", "word.lower():" + lower]
        own += ["word.isupper()"] * upper + ["word.istitle()"] * title + ["word.isdigit()"] * syllable.isdigit()
        left = ["-1:word.lower():" + lower] + ["-1:word.istitle()"] * title + ["-1:word.isupper()"] * upper
        right = ["+1:word.lower():" + lower] + ["+1:word.istitle()"] * title + ["+1:word.isupper()"] * upper
        if len(_syllable_parts) >= _SYLLABLE_PARTS_MAX:
            _syllable_parts.clear()
        parts = _syllable_parts[syllable] = (own, left, right)
    return parts


def _features(syllables: list[str], bigrams: set[str], trigrams: set[str]) -> list[list[str]]:
    """pyvi's `word2features` for every syllable, as the attribute strings pycrfsuite makes of
    its dicts: a string value becomes "name:value", True becomes "name", and False (weight 0,
    so no effect on the score) is left out. The order is the dicts' order, so the CRF sums its
    weights in the same order and scores come out bit-identical."""
    n = len(syllables)
    parts = [_parts(s) for s in syllables]
    # pyvi lowercases the joined n-gram, not each syllable: kept, so odd casings stay identical
    bi = [(syllables[i] + " " + syllables[i + 1]).lower() in bigrams for i in range(n - 1)]
    tri = [(syllables[i] + " " + syllables[i + 1] + " " + syllables[i + 2]).lower() in trigrams for i in range(n - 2)]
    items = []
    for i in range(n):
        item = parts[i][0] + parts[i - 1][1] if i > 0 else parts[i][0][:]
        if i > 0 and bi[i - 1]:
            item.append("-1:word.bi_gram()")
        if i > 1 and tri[i - 2]:
            item.append("-2:word.tri_gram()")
        if i < n - 1:
            item += parts[i + 1][2]
            if bi[i]:
                item.append("+1:word.bi_gram()")
            if i < n - 2 and tri[i]:
                item.append("+2:word.tri_gram()")
        items.append(item)
    return items


def _joins(prev: str, cur: str) -> bool:
    """pyvi's rule for when an I_W label may glue `cur` to `prev` (`in` is a substring test
    there, kept as it is)."""
    return (
        cur not in string.punctuation
        and prev not in string.punctuation
        and not cur[0].isdigit()
        and not prev[0].isdigit()
        and not (cur[0].istitle() and not prev[0].istitle())
    )


def reference_tokenize(piece: str) -> str:
    """pyvi's own `ViTokenizer.tokenize`, unchanged: what `_tokenize` must equal (the tests), and
    the indexing benchmark's floor (pyvi alone)."""
    return _pyvi().tokenize(piece)


def _labels(syllables: list[str]) -> list[str]:
    vi = model()
    return _tagger().tag(_features(syllables, vi.bi_grams, vi.tri_grams))


def _glued(syllables: list[str], labels: list[str], i: int) -> bool:
    """Whether syllable i belongs to the same word as syllable i - 1."""
    return labels[i] == "I_W" and _joins(syllables[i - 1], syllables[i])


def _tokenize(piece: str) -> str:
    """`ViTokenizer.tokenize(piece)`, computed faster (see the module docstring)."""
    # pyvi's sylabelize: NFC, then its syllable pattern
    syllables = [m.group() for m in _PYVI_SYLLABLE.finditer(unicodedata.normalize("NFC", piece))]
    if not syllables:
        return piece
    labels = _labels(syllables)
    parts = [syllables[0]]
    for i in range(1, len(syllables)):
        parts.append("_" if _glued(syllables, labels, i) else " ")
        parts.append(syllables[i])
    return "".join(parts)


def _words(piece: str) -> tuple[tuple[str, int, int], ...]:
    """(word as written, start, end) for each of pyvi's tokens in `piece`, punctuation included.

    The syllables come with their offsets from pyvi's own pattern, so no alignment is needed;
    only text that is not NFC (pyvi normalises it first, which moves offsets) is aligned.
    """
    if not unicodedata.is_normalized("NFC", piece):
        return tuple(_align(piece, _tokenize(piece)))
    found = list(_PYVI_SYLLABLE.finditer(piece))
    if not found:
        return ()
    syllables = [m.group() for m in found]
    labels = _labels(syllables)
    spans = []
    start, end = found[0].span()
    for i in range(1, len(found)):
        if _glued(syllables, labels, i):
            end = found[i].end()
        else:
            spans.append((start, end))
            start, end = found[i].span()
    spans.append((start, end))
    # a piece's closing "\n" is one of pyvi's tokens, but whitespace in its output string
    return tuple((piece[a:b], a, b) for a, b in spans if not piece[a:b].isspace())


def pieces(text: str) -> Iterator[tuple[int, str]]:
    """(offset, piece): the sentence-sized pieces pyvi is fed, blank ones left out."""
    for match in _PIECE.finditer(text):
        piece = match.group()
        if piece.strip():
            yield match.start(), piece


def _align(piece: str, output: str) -> Iterator[Segment]:
    """Map pyvi's output tokens back onto `piece`.

    An "_" in the output stands for a run of whitespace in the input, or for a literal "_".
    """
    pos = 0
    n = len(piece)
    for token in output.split():
        while pos < n and piece[pos].isspace():
            pos += 1
        start = pos
        for ch in token:
            if ch == "_" and (pos >= n or piece[pos] != "_"):
                while pos < n and piece[pos].isspace():
                    pos += 1
                continue
            if pos < n and piece[pos] == ch:
                pos += 1
            else:  # pyvi changed a character (not seen, but never trust alignment blindly)
                return
        yield Segment(piece[start:pos], start, pos)


@lru_cache(maxsize=4096)
def _segment_piece(piece: str) -> tuple[tuple[str, int, int], ...]:
    return _words(piece)


def segment(text: str) -> list[Segment]:
    """Split NFC text into words (multi-syllable words as one Segment), punctuation dropped."""
    words: list[Segment] = []
    for base, piece in pieces(text):
        for word, start, end in _segment_piece(piece):
            if _HAS_WORD_CHAR.search(word):
                words.append(Segment(word, base + start, base + end))
    return words
