"""The index's own vocabulary, read once per index generation.

It serves three query-time needs from one pass over the `body` lexicon:
- segmenting a query the way the index was segmented (case- and accent-independent),
- restoring diacritics of an unaccented query ("thu tuong" -> "thủ tướng"),
- document frequencies, to tell function words from content words,
and the "did you mean" corrector draws its words from it (search/query/suggest.py).
"""
from __future__ import annotations

import heapq
import json
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from pathlib import Path

from whoosh.reading import IndexReader
from whoosh.spelling import ListCorrector

from search.analysis import fold
from search.index_store import Lexicon, save_for_generation, summed_lexicon, term_text

MAX_WORD_SYLLABLES = 4
JOIN_RATIO = 0.01  # a compound is read as a word where it is this common beside its rarest syllable (max_match)
VOCABULARY_FIELD = "body"  # the words queries are checked and corrected against
FORMAT = 2  # of the saved file; 2: an accented form is restored only where it is the commoner (from_lexicon)


@dataclass
class Vocabulary:
    doc_count: int
    # any word form (accented or folded) -> document frequency
    doc_freq: dict[str, int] = field(default_factory=dict)
    # folded word -> the accented form found in most documents, where it is commoner than the word
    # written without diacritics ("thu_tuong" -> "thủ_tướng", but "nga" stays Nga, not "ngã")
    best_accented: dict[str, str] = field(default_factory=dict)
    # any word form -> its total weight in the field (Whoosh's `frequency`, for more-like-this)
    frequency: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_reader(cls, reader: IndexReader, fieldname: str = VOCABULARY_FIELD) -> Vocabulary:
        lexicon = summed_lexicon((leaf for leaf, _ in reader.leaf_readers()), fieldname)
        return cls.from_lexicon(reader.doc_count_all(), lexicon)

    @classmethod
    def from_lexicon(cls, doc_count: int, lexicon: Lexicon) -> Vocabulary:
        """From a field's summed lexicon (index_store.summed_lexicon), which indexing also needs
        for the hot postings: read once for both."""
        vocab = cls(doc_count=doc_count)
        for term, (df, weight) in lexicon.items():
            vocab.doc_freq[term] = df
            vocab.frequency[term] = weight
        best_df: dict[str, int] = {}
        accented = defaultdict(float)  # folded word -> the weight of its accented forms
        for term in sorted(vocab.doc_freq):  # lexicon order, so that ties go to the same form as before
            df = vocab.doc_freq[term]
            folded = fold(term)
            if folded != term:
                accented[folded] += vocab.frequency[term]
                if df > best_df.get(folded, 0):
                    best_df[folded] = df
                    vocab.best_accented[folded] = term
        # Every accented word is also indexed folded, so a folded term's weight is its accented
        # forms' plus its own: what is left is how often it was written without diacritics.
        for folded, best in list(vocab.best_accented.items()):
            if vocab.frequency[best] <= vocab.frequency.get(folded, 0.0) - accented[folded]:
                del vocab.best_accented[folded]
        return vocab

    # Reading the whole lexicon takes seconds on a large index, so it is done once per index
    # generation, at indexing time, and saved beside the index; a server starts from the file.
    @staticmethod
    def path_for(index_dir: Path, generation: int) -> Path:
        return index_dir / f"vocabulary-{generation}.json"

    def save(self, path: Path) -> None:
        text = json.dumps({"format": FORMAT, "doc_count": self.doc_count, "doc_freq": self.doc_freq,
                           "best_accented": self.best_accented, "frequency": self.frequency}, ensure_ascii=False)
        save_for_generation(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    @staticmethod
    def saved_is_current(path: Path) -> bool:
        """Whether `path` holds a vocabulary in the current format."""
        try:
            return _is_current(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return False

    @classmethod
    def load_or_build(cls, reader: IndexReader, index_dir: Path) -> Vocabulary:
        path = cls.path_for(index_dir, reader.generation())
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if _is_current(data) and data["doc_count"] == reader.doc_count_all():
                return cls(data["doc_count"], data["doc_freq"], data["best_accented"], data["frequency"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # missing or unreadable: build it from the lexicon
        return cls.from_reader(reader)

    def knows(self, word: str) -> bool:
        return word in self.doc_freq

    def df(self, word: str) -> int:
        return self.doc_freq.get(word, 0)

    @cached_property
    def _sorted_words(self) -> list[str]:
        return sorted(self.doc_freq)

    def commonest_with_prefix(self, stem: str, limit: int) -> list[str] | None:
        """The `limit` words starting with `stem` found in most documents, commonest first, or
        None when no more than `limit` words start with it (the prefix needs no narrowing)."""
        words = self._sorted_words
        first = bisect_left(words, stem)
        end = bisect_left(words, stem + "\U0010ffff", first)
        if end - first <= limit:
            return None
        return heapq.nlargest(limit, words[first:end], key=self.doc_freq.__getitem__)

    def max_match(self, syllables: list[str]) -> list[str]:
        """Greedy longest-match of lowercase syllables against the index's words.

        pyvi segments lowercase or unaccented text differently from the cased, accented text
        it indexed ("điện kremlin" stays two words); the index's own words do not care.
        """
        words: list[str] = []
        i = 0
        while i < len(syllables):
            for size in range(min(MAX_WORD_SYLLABLES, len(syllables) - i), 1, -1):
                candidate = "_".join(syllables[i : i + size])
                if candidate in self.doc_freq and self._is_a_word(candidate, syllables[i : i + size]):
                    words.append(candidate)
                    i += size
                    break
            else:
                words.append(syllables[i])
                i += 1
        return words

    def _is_a_word(self, candidate: str, syllables: list[str]) -> bool:
        """Whether a compound the index holds is the word here rather than its syllables met by
        chance: its articles are at least JOIN_RATIO of its rarest syllable's (alone as a word).
        "trong nam nay" read "trong_nam" (14 of 35,439 articles: "trọng nam khinh nữ") where
        "trong" and "nam" stand alone in 31,677 and 23,367; real words ("thuong_mai", "bi_mat",
        "dam_phan") hold 7% to 250% of theirs."""
        rarest = min(self.df(s) for s in syllables)
        return rarest == 0 or self.df(candidate) >= JOIN_RATIO * rarest

    def restore(self, word: str) -> str | None:
        """The accented form of an unaccented word most documents use, if the index has one
        that is commoner than the word as written."""
        return self.best_accented.get(word) if fold(word) == word else None

    @cached_property
    def corrector(self) -> VocabularyCorrector:
        return VocabularyCorrector(self)


class VocabularyCorrector(ListCorrector):
    """Whoosh's ListCorrector over the vocabulary's words, sorted once, ranking suggestions at the
    same edit distance by document frequency.

    Whoosh's ReaderCorrector walks the same Levenshtein automaton through the index's term
    files: 4-7 s a word on 35,439 articles (220,000 terms), where this list takes 20-75 ms.
    """

    def __init__(self, vocab: Vocabulary) -> None:
        super().__init__(sorted(vocab.doc_freq))
        self._df = vocab.doc_freq

    def _suggestions(self, text: str, maxdist: int, prefix: int) -> Iterator[tuple[float, str]]:
        seen = set()
        swapped = self._swapped(text, prefix) if maxdist >= 1 else iter(())
        for score, word in chain(swapped, super()._suggestions(text, maxdist, prefix)):
            if word in seen:  # score: minus the distance
                continue
            seen.add(word)
            df = self._df.get(word, 0)
            yield score + 0.5 * df / (df + 1), word  # never more than half a step: distance first

    def _swapped(self, text: str, prefix: int) -> Iterator[tuple[float, str]]:
        """Two neighbouring letters typed the wrong way round, one edit (Damerau's count) where
        Levenshtein's automaton counts two: "tướgn" is "tướng", not the rare "tướn"."""
        for i in range(prefix, len(text) - 1):
            if "_" in text[i:i + 2]:  # a compound's syllables stay where they are
                continue
            word = f"{text[:i]}{text[i + 1]}{text[i]}{text[i + 2:]}"
            if word != text and word in self._df:
                yield -1.0, word


def _is_current(data: object) -> bool:
    """Older files lack `frequency`, or restore words that are commoner unaccented."""
    return isinstance(data, dict) and data.get("format") == FORMAT


class StatisticsReader:
    """An index reader whose `body` term statistics come from the vocabulary: one dict lookup
    instead of one per segment (Whoosh's more-like-this asks for every word of an article:
    ~12,000 lookups, 300 ms, on 18 segments). Everything else goes to the reader itself."""

    def __init__(self, reader: IndexReader, vocab: Vocabulary, fieldname: str = VOCABULARY_FIELD) -> None:
        self._reader = reader
        self._vocab = vocab
        self._fieldname = fieldname

    def __getattr__(self, name: str) -> object:
        return getattr(self._reader, name)

    def __contains__(self, term: tuple[str, str | bytes]) -> bool:
        fieldname, text = term
        if fieldname != self._fieldname:
            return term in self._reader
        return term_text(text) in self._vocab.doc_freq

    def frequency(self, fieldname: str, text: str | bytes) -> float:
        if fieldname != self._fieldname:
            return float(self._reader.frequency(fieldname, text))
        return self._vocab.frequency.get(term_text(text), 0.0)
