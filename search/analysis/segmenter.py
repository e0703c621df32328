"""The one adapter around pyvi: Vietnamese word segmentation with character offsets.

Nothing else in the project imports pyvi or knows its quirks:
- it is slow and memory-hungry on long lines, so text is fed a sentence-sized piece at a time;
- it joins syllables of a word with "_" and spaces out punctuation, but keeps every other
  character in order, so its output is aligned back to the input with a left-to-right scan;
- it raises on None and takes ~0.8 s to import, so it is loaded on first use.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# pyvi cost grows faster than linearly with line length; pieces of at most this many characters
# keep it at its ~0.5 M chars/s rate. Splits happen at sentence ends, else at spaces.
_MAX_PIECE = 400
_PIECE = re.compile(r"[^\n]{1,%d}(?:(?<=[.!?;:])\s|\s|$)|[^\n]+" % _MAX_PIECE)
_HAS_WORD_CHAR = re.compile(r"\w")

_lock = threading.Lock()
_tokenizer: Any = None

# What a process that will segment text can import ahead of time (indexing's fork server):
# importing pyvi loads its CRF model (~0.8 s), which forked children then share.
PRELOAD_MODULES = ("pyvi.ViTokenizer",)


@dataclass(frozen=True, slots=True)
class Segment:
    """One word as pyvi saw it: its syllables, and where it stands in the input."""

    text: str  # the word as written in the input, e.g. "Điện Kremlin"
    start: int
    end: int

    @property
    def syllables(self) -> list[str]:
        return self.text.split()


def _pyvi() -> Any:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                from pyvi import ViTokenizer  # heavy: scikit-learn, CRF model

                _tokenizer = ViTokenizer
    return _tokenizer


def warm_up() -> None:
    """Load the model now (servers call this at start so the first request is not slow)."""
    _pyvi().tokenize("Khởi động")


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    for match in _PIECE.finditer(text):
        piece = match.group()
        if piece.strip():
            yield match.start(), piece


def _align(piece: str, output: str, base: int) -> Iterator[Segment]:
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
        yield Segment(piece[start:pos], base + start, base + pos)


@lru_cache(maxsize=4096)
def _segment_piece(piece: str) -> tuple[tuple[str, int, int], ...]:
    output = _pyvi().tokenize(piece)
    return tuple((s.text, s.start, s.end) for s in _align(piece, output, 0))


def segment(text: str) -> list[Segment]:
    """Split NFC text into words (multi-syllable words as one Segment), punctuation dropped."""
    words: list[Segment] = []
    for base, piece in _pieces(text):
        for word, start, end in _segment_piece(piece):
            if _HAS_WORD_CHAR.search(word):
                words.append(Segment(word, base + start, base + end))
    return words
