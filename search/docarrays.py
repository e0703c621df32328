"""One index generation's per-document columns as numpy arrays, and its postings on demand.

Whoosh walks matchers and columns one document at a time in Python, which made a common word
(13,000 of 35,000 articles) cost most of a second to rank and count. Here the same data, read
once per searcher generation, becomes flat arrays, so counting a facet or filtering by one is a
single vectorised operation (see search/evaluate.py for the ranking side).
"""
from __future__ import annotations

import json
import logging
import math
import os
import zipfile
import shutil
import tempfile
import weakref
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from multiprocessing.connection import Connection
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from search.analysis.names import name_term, names_version, phrase_names
from search.index_store import Lexicon, open_index, save_for_generation, summed_lexicon
from search.schema import NAMES_FIELD_OF, SCORED_FIELDS
from search.writers import alive, exit_with, forkserver_context, ignore_interrupts

POSTINGS_CACHE_ENTRIES = 3_000_000  # postings kept decoded (about 12 bytes each): ~36 MB at most
RANKED_CACHE_ENTRIES = 64  # ranked queries (a mask and a score per document: ~0.3 MB each at 35k)
PHRASE_CACHE_ENTRIES = 256  # phrases checked against positions: two masks (a byte per document each)
# A term in at least this share of the articles has its whole posting list saved at indexing time
# (HotPostings): the common words are where a first query spends its time, decoding thousands of
# Whoosh blocks; 2% is ~1,900 terms and ~23 M postings (186 MB) on 35k articles.
HOT_SHARE = 0.02
# Decoded by a helper process, from this many articles (HotPostings.helper): the field whose
# postings take longest (positions in every block), and the size below which starting a
# process costs more than the ~2 s it can save.
HELPER_FIELDS = ("body_syl",)
HELPER_FROM = 4000

log = logging.getLogger(__name__)


K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """Least recently used entries go first once their total weight passes `limit` (the
    newest entry always stays, however heavy)."""

    def __init__(self, limit: int, weigh: Callable[[V], int] = lambda _: 1) -> None:
        self._items: OrderedDict[K, V] = OrderedDict()
        self._limit = limit
        self._weigh = weigh
        self._weight = 0

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> None:
        if key in self._items:
            self._weight -= self._weigh(self._items.pop(key))
        self._items[key] = value
        self._weight += self._weigh(value)
        while self._weight > self._limit and len(self._items) > 1:
            _, old = self._items.popitem(last=False)
            self._weight -= self._weigh(old)


@dataclass(frozen=True)
class Keyed:
    """A single-valued column: each document's value as a code into `values` (sorted)."""

    values: list[str]
    codes: np.ndarray  # int32, one per document

    def mask(self, wanted: Iterable[str]) -> np.ndarray:
        return np.isin(self.codes, list(_codes_of(self.values, wanted).values()))

    def counts(self, mask: np.ndarray, top: int | None = None, also: Iterable[str] = ()) -> dict[str, int]:
        return _nonzero(self.values, np.bincount(self.codes[mask], minlength=len(self.values)), top, also)


@dataclass(frozen=True)
class MultiKeyed:
    """A multi-valued column as (document, value code) pairs."""

    values: list[str]
    docs: np.ndarray  # int32 document numbers, one per pair
    codes: np.ndarray  # int32 value codes, one per pair
    size: int

    def mask(self, wanted: Iterable[str]) -> np.ndarray:
        chosen = np.isin(self.codes, list(_codes_of(self.values, wanted).values()))
        out = np.zeros(self.size, dtype=bool)
        out[self.docs[chosen]] = True
        return out

    def counts(self, mask: np.ndarray, top: int | None = None, also: Iterable[str] = ()) -> dict[str, int]:
        return _nonzero(self.values, np.bincount(self.codes[mask[self.docs]], minlength=len(self.values)), top, also)


def _nonzero(values: list[str], counts: np.ndarray, top: int | None, also: Iterable[str]) -> dict[str, int]:
    """Values with a count; with `top`, only those that can be among the `top` largest (ties
    at the boundary kept, for the caller's tie-break), plus the values in `also`."""
    found = np.flatnonzero(counts)
    if top is not None and len(found) > top:
        threshold = np.partition(counts[found], len(found) - top)[len(found) - top]
        found = found[counts[found] >= threshold]
    out = {values[i]: int(counts[i]) for i in found}
    if top is not None:
        out.update({v: int(counts[i]) for v, i in _codes_of(values, also).items() if counts[i]})
    return out


def _codes_of(values: list[str], wanted: Iterable[str]) -> dict[str, int]:
    """The codes of the wanted values that occur (`values` is sorted: a binary search each)."""
    codes = {}
    for value in wanted:
        i = bisect_left(values, value)
        if i < len(values) and values[i] == value:
            codes[value] = i
    return codes


@dataclass(frozen=True)
class Postings:
    docs: np.ndarray  # int32 global document numbers, ascending
    weights: np.ndarray  # float64 term weights (frequency x field boost)


class DocArrays:
    """Arrays for one searcher generation. Build with `DocArrays.load(searcher)`."""

    def __init__(self, searcher: Searcher, leaves: list[tuple[Any, int]], alive: np.ndarray,
                 lengths: dict[str, np.ndarray], keyed: dict[str, Keyed], multi: dict[str, MultiKeyed]) -> None:
        self.searcher = searcher
        self.leaves = leaves  # (segment reader, first document number)
        self.size = len(alive)
        self.alive = alive
        self.lengths = lengths
        self.keyed = keyed
        self.multi = multi
        self._postings: BoundedCache[tuple[str, str], Postings] = BoundedCache(
            POSTINGS_CACHE_ENTRIES, weigh=lambda p: len(p.docs))
        self.ranked: BoundedCache[Any, Any] = BoundedCache(RANKED_CACHE_ENTRIES)  # query -> ranking (evaluate.py)
        self._phrases: BoundedCache[tuple[str, tuple[str, ...]], tuple[np.ndarray, np.ndarray]] = BoundedCache(
            PHRASE_CACHE_ENTRIES)
        self.hot: HotPostings | None = None

    @classmethod
    def load(cls, searcher: Searcher, index_dir: Path | None = None) -> DocArrays:
        """The arrays of the searcher's generation. The columns and the hot postings come from
        the files written beside the index at indexing time (`save`) when they were written for
        exactly these segments; else the columns are read from Whoosh, and there are no hot ones."""
        leaves = _leaves(searcher)
        size = searcher.reader().doc_count_all()
        alive = np.ones(size, dtype=bool)
        for reader, offset in leaves:
            if reader.has_deletions():  # deletions change without new segments: never saved
                count = reader.doc_count_all()
                alive[offset:offset + count] = False
                alive[offset + np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        generation = searcher.reader().generation()
        key = _segments_key(leaves)
        columns = _load_columns(cls.path_for(index_dir, generation), key) if index_dir else None
        if columns is None:
            columns = _read_columns(leaves, size)
        lengths, keyed, multi = columns
        arrays = cls(searcher, leaves, alive, lengths, keyed, multi)
        arrays.hot = HotPostings.load(index_dir, generation, key) if index_dir else None
        return arrays

    def save(self, index_dir: Path, lexicons: Mapping[str, Lexicon] | None = None,
             helper: HotPostingsHelper | None = None) -> None:
        """The columns and the hot postings, for a fast server on this generation (atomic files,
        like the vocabulary); `lexicons` and `helper` as in HotPostings.save."""
        generation = self.searcher.reader().generation()
        arrays: dict[str, np.ndarray] = {"segments": np.array(_segments_key(self.leaves))}
        arrays.update({f"length:{f}": v for f, v in self.lengths.items()})
        for name, k in self.keyed.items():
            arrays[f"keyed:{name}:values"] = np.array(k.values, dtype=str)
            arrays[f"keyed:{name}:codes"] = k.codes
        for name, m in self.multi.items():
            arrays[f"multi:{name}:values"] = np.array(m.values, dtype=str)
            arrays[f"multi:{name}:docs"] = m.docs
            arrays[f"multi:{name}:codes"] = m.codes
        save_for_generation(self.path_for(index_dir, generation), lambda tmp: np.savez(tmp, **arrays))
        HotPostings.save(self, index_dir, generation, lexicons, helper)

    @staticmethod
    def path_for(index_dir: Path, generation: int) -> Path:
        return index_dir / f"columns-{generation}.npz"

    # -- postings ----------------------------------------------------------------------
    def postings(self, field: str, term: str) -> Postings:
        """A term's documents and weights across segments, deleted documents included."""
        key = (field, term)
        found = self._postings.get(key)
        if found is not None:
            return found
        found = (self.hot.get(key) if self.hot else None) or self.read_postings(field, term)
        self._postings.put(key, found)
        return found

    def read_postings(self, field: str, term: str) -> Postings:
        """A term's postings decoded from Whoosh's segments (no cache)."""
        return _read_all(self.leaves, field, term)

    def positions(self, field: str, term: str, docs: np.ndarray) -> Iterator[tuple[int, set[int]]]:
        """(document, positions of `term` in `field`) for each of `docs` (ascending) that has it."""
        for reader, offset in self.leaves:
            local = docs[(docs >= offset) & (docs < offset + reader.doc_count_all())] - offset
            matcher = _matcher(reader, field, term) if len(local) else None
            if matcher is None:
                continue
            for docnum, found in _positions_in(matcher, local):
                yield offset + docnum, found

    def phrase_checks(self, field: str, words: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(documents checked so far, those that hold the phrase): positions are read once.
        An entity's name starts out checked in every article that holds the name marks."""
        key = (field, words)
        found = self._phrases.get(key)
        if found is None:
            found = self._marked(field, words)
            self._phrases.put(key, found)
        return found

    def _marked(self, field: str, words: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        checked, found = np.zeros(self.size, dtype=bool), np.zeros(self.size, dtype=bool)
        marks = NAMES_FIELD_OF.get(field)
        if marks and words in phrase_names():
            checked[self.postings(marks, names_version()).docs] = True
            found[self.postings(marks, name_term(words)).docs] = True
        return checked, found


class HotPostings:
    """The whole posting lists of a generation's most common terms (see HOT_SHARE), saved at
    indexing time, so a first query of common words reads one slice of a file instead of
    decoding thousands of Whoosh blocks. Two files beside the index: `hotpostings-<gen>.npy`
    (document number and weight per posting; Whoosh keeps weights as 32-bit floats, so exact)
    and `hotterms-<gen>.json` (which segments, and each term's slice), written last.

    Slices are read with pread from a descriptor opened at load, not memory-mapped: mapped
    pages would count in the server's resident memory as queries touch them (186 MB of them on
    35k articles); read, they land in the bounded postings cache like decoded ones. The open
    descriptor keeps reading this generation's file even after a newer one replaces it.
    """

    DTYPE = np.dtype([("doc", "<i4"), ("weight", "<f4")])

    def __init__(self, spans: dict[tuple[str, str], tuple[int, int]], fd: int, data_offset: int) -> None:
        self.spans = spans
        self._fd = fd
        self._data_offset = data_offset
        weakref.finalize(self, os.close, fd)

    def get(self, key: tuple[str, str]) -> Postings | None:
        span = self.spans.get(key)
        if span is None:
            return None
        start, end = span
        size = self.DTYPE.itemsize
        raw = os.pread(self._fd, (end - start) * size, self._data_offset + start * size)
        rows = np.frombuffer(raw, dtype=self.DTYPE)
        if len(rows) != end - start:
            return None  # cut short (a damaged file): decode from Whoosh instead
        return Postings(rows["doc"].copy(), rows["weight"].astype(np.float64))

    @staticmethod
    def paths(index_dir: Path, generation: int) -> tuple[Path, Path]:
        return index_dir / f"hotterms-{generation}.json", index_dir / f"hotpostings-{generation}.npy"

    @classmethod
    def load(cls, index_dir: Path, generation: int, segments: str) -> HotPostings | None:
        terms_path, postings_path = cls.paths(index_dir, generation)
        try:
            meta, data_offset = cls._layout(terms_path, postings_path)
            if meta is None or meta["segments"] != segments:
                return None  # cut short, or another index's (a rebuild restarts generation numbers)
            spans = {(field, term): (start, end) for field, term, start, end in meta["terms"]}
            fd = os.open(postings_path, os.O_RDONLY)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or unreadable: decode from Whoosh, as without it
        return cls(spans, fd, data_offset)

    @classmethod
    def is_whole(cls, index_dir: Path, generation: int) -> bool:
        """Whether both files are there and the postings file is as long as its terms say."""
        try:
            return cls._layout(*cls.paths(index_dir, generation))[0] is not None
        except (OSError, ValueError, KeyError, TypeError):
            return False

    @classmethod
    def _layout(cls, terms_path: Path, postings_path: Path) -> tuple[dict[str, Any] | None, int]:
        """(the terms file's contents, where the postings' data starts), or (None, 0) when the
        postings file is not the array the terms file describes, whole (a full disk, a copy
        stopped halfway cut it short). Raises on a missing or unreadable file."""
        meta = json.loads(terms_path.read_text(encoding="utf-8"))
        with postings_path.open("rb") as f:
            version = np.lib.format.read_magic(f)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, _, dtype = read_header(f)
            data_offset = f.tell()
        if dtype != cls.DTYPE or shape != (meta["total"],):
            return None, 0
        if postings_path.stat().st_size < data_offset + meta["total"] * cls.DTYPE.itemsize:
            return None, 0
        return meta, data_offset

    @classmethod
    def save(cls, arrays: DocArrays, index_dir: Path, generation: int,
             lexicons: Mapping[str, Lexicon] | None = None, helper: HotPostingsHelper | None = None) -> None:
        """Decode the common terms' postings and write both files. `lexicons` are fields'
        summed lexicons the caller already has; `helper` is what `HotPostings.helper` gave, if anything.

        The parts are decoded into work files first, then copied into the final one: at its
        peak the folder holds the postings twice (186 MB more on 35k articles), for seconds."""
        threshold = hot_threshold(arrays.size)
        fields = [f for f in SCORED_FIELDS if helper is None or f not in HELPER_FIELDS]
        _clear_stale_work(index_dir)
        with tempfile.TemporaryDirectory(dir=index_dir, prefix=_work_prefix()) as work:
            parts = [_write_part(arrays.leaves, fields, threshold, Path(work) / "own.npy", lexicons or {})]
            if helper is not None:
                parts.append(_helper_result(helper, arrays, threshold, Path(work) / "helper.npy"))
            total = sum(part.rows for part in parts)
            spans: list[tuple[str, str, int, int]] = []

            def write(tmp: Path) -> None:
                table = np.lib.format.open_memmap(tmp, mode="w+", dtype=cls.DTYPE, shape=(total,))
                at = 0
                for part in parts:
                    table[at:at + part.rows] = np.load(part.path, mmap_mode="r")[:part.rows]
                    spans.extend((field, term, at + start, at + end) for field, term, start, end in part.spans)
                    at += part.rows
                table.flush()
                del table

            terms_path, postings_path = cls.paths(index_dir, generation)
            save_for_generation(postings_path, write)
        meta = {"segments": _segments_key(arrays.leaves), "total": total, "terms": spans}
        save_for_generation(terms_path, lambda tmp: tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8"))

    @staticmethod
    @contextmanager
    def helper(arrays: DocArrays, index_dir: Path, min_size: int | None = None) -> Iterator[HotPostingsHelper | None]:
        """Decode HELPER_FIELDS in another process meanwhile, for `save`: at the end of an
        indexing run the second core is otherwise idle while these take most of the time
        (body_syl alone is 18 of 29 s on 35k articles). None when the index is small, when this
        process may use one core only (`min_size` articles, HELPER_FROM unless given), or when
        the process cannot be started (`save` then decodes everything itself). On leaving, the
        helper is stopped if it still runs (an interrupted run does not wait for it) and its
        files are removed."""
        if arrays.size < (HELPER_FROM if min_size is None else min_size) or _usable_cores() < 2:
            yield None
            return
        work = Path(tempfile.mkdtemp(dir=index_dir, prefix=_work_prefix()))
        helper = None
        try:
            try:
                helper = HotPostingsHelper(index_dir, _segments_key(arrays.leaves), hot_threshold(arrays.size),
                                           work / "part.npy")
            except Exception as e:  # no process to start here (an embedding server): one process does it all
                log.warning("hot postings: cannot start a helper process (%s); decoding them in this one", e)
            yield helper
        finally:
            if helper is not None:
                helper.stop()
            shutil.rmtree(work, ignore_errors=True)


class DecodedPart(NamedTuple):
    """What one process decoded: (field, term, start, end) per term into the .npy at `path`,
    whose first `rows` rows hold them (it was sized by document frequencies, an upper bound)."""

    spans: list[tuple[str, str, int, int]]
    path: Path
    rows: int


class HotPostingsHelper:
    """A process decoding the HELPER_FIELDS' hot postings of the same segments into its own file."""

    def __init__(self, index_dir: Path, segments: str, threshold: int, out: Path) -> None:
        # The indexing workers' start method (writers.forkserver_context); like them, the
        # helper imports the caller's main module, which must be import-safe.
        context = forkserver_context()
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_helper_main, daemon=True,
                                        args=(os.getpid(), sender, str(index_dir), segments, threshold, str(out)))
        try:
            self._process.start()
        finally:
            sender.close()
        self._part: DecodedPart | None = None

    def result(self) -> DecodedPart:
        """The helper's part (waiting for it); raises HelperFailed if it ended without one."""
        if self._part is None:
            try:
                ok, payload = self._receiver.recv()
            except (EOFError, OSError) as e:  # the process died (killed, out of memory), or was stopped
                self._process.join(timeout=1.0)
                raise HelperFailed(f"the helper process ended without a result (exit code {self._process.exitcode})") from e
            if not ok:
                raise HelperFailed(payload)
            self._part = payload
        return self._part

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receiver.close()


class HelperFailed(RuntimeError):
    """The helper process could not decode its part (the caller decodes it instead)."""


def hot_threshold(size: int) -> int:
    return max(2, math.ceil(HOT_SHARE * size))


def _write_part(leaves: list[tuple[Any, int]], fields: Iterable[str], threshold: int, path: Path,
                lexicons: Mapping[str, Lexicon]) -> DecodedPart:
    """The postings of the fields' terms in >= threshold documents, into a new .npy at `path`."""
    chosen = [(f, term, df) for f in fields for term, df in _common_terms(leaves, f, threshold, lexicons.get(f))]
    # Sized by the lexicon's document frequencies: an upper bound of the postings read, which
    # come back in full, deleted documents included (they are masked by `alive`).
    table = np.lib.format.open_memmap(path, mode="w+", dtype=HotPostings.DTYPE, shape=(sum(df for *_, df in chosen),))
    spans, at = [], 0
    for field, term, _ in chosen:
        found = _read_all(leaves, field, term)
        end = at + len(found.docs)
        table["doc"][at:end] = found.docs
        table["weight"][at:end] = found.weights
        spans.append((field, term, at, end))
        at = end
    table.flush()
    del table
    return DecodedPart(spans, path, at)


def _helper_main(parent: int, sender: Connection, index_dir: str, segments: str, threshold: int, out: str) -> None:
    """The helper process: the same segments, opened again, HELPER_FIELDS only; sends back
    (True, part) or (False, why). Exits with its parent (a killed indexer leaves no helper)."""
    ignore_interrupts()
    exit_with(parent)
    try:
        ix = open_index(Path(index_dir))
        with ix.searcher() as searcher:
            leaves = _leaves(searcher)
            if _segments_key(leaves) != segments:
                raise HelperFailed("the index changed while its server files were being written")
            part = _write_part(leaves, HELPER_FIELDS, threshold, Path(out), {})
        message: tuple[bool, DecodedPart | str] = (True, part)
    except Exception as e:  # anything: the caller decodes the part itself
        message = (False, f"{type(e).__name__}: {e}")
    try:
        sender.send(message)
    except OSError:
        pass  # the caller is gone or stopped waiting: nothing to report to
    finally:
        sender.close()


def _helper_result(helper: HotPostingsHelper, arrays: DocArrays, threshold: int, fallback: Path) -> DecodedPart:
    """The helper's part; if it failed (a killed process, an index that moved on), decoded here."""
    try:
        return helper.result()
    except HelperFailed as e:
        log.warning("hot postings: the helper process failed (%s); decoding its part in this one", e)
        return _write_part(arrays.leaves, HELPER_FIELDS, threshold, fallback, {})


def _usable_cores() -> int:
    """The cores this process may run on (not the host's count, in a container or under taskset)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _work_prefix() -> str:
    return f".hot-{os.getpid()}-"


def _clear_stale_work(index_dir: Path) -> None:
    """Work folders that a killed indexer left (its pid is in the name, and it is gone)."""
    for folder in index_dir.glob(".hot-*-*"):
        pid = folder.name.split("-")[1]
        if folder.is_dir() and pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _leaves(searcher: Searcher) -> list[tuple[Any, int]]:
    """(segment reader, first document number) of each segment that has documents."""
    return [(s.reader(), offset) for s, offset in searcher.leaf_searchers() if s.reader().doc_count_all()]


def _read_all(leaves: list[tuple[Any, int]], field: str, term: str) -> Postings:
    """A term's postings in every segment, as global document numbers (no cache)."""
    parts = [(docs + offset, weights) for reader, offset in leaves
             for docs, weights in [_read_postings(reader, field, term)] if len(docs)]
    return Postings(
        np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int32),
        np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.float64),
    )


def _common_terms(leaves: list[tuple[Any, int]], field: str, threshold: int,
                  totals: Lexicon | None = None) -> list[tuple[str, int]]:
    """(term, document frequency over all segments) of the field's terms in >= threshold."""
    if totals is None:
        totals = summed_lexicon((reader for reader, _ in leaves), field)
    return sorted((term, df) for term, (df, _) in totals.items() if df >= threshold)


def _positions_in(matcher: Any, docs: np.ndarray) -> Iterator[tuple[int, set[int]]]:
    """Walk the term's postings block by block, decoding positions only for `docs` (ascending)."""
    decode = matcher.format.decoder("positions")
    if not (hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block")):
        for docnum in docs.tolist():
            if not matcher.is_active():
                return
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                yield docnum, set(matcher.value_as("positions"))
        return
    start = 0
    while matcher.is_active() and start < len(docs):
        end = int(np.searchsorted(docs, matcher.block_max_id(), side="right"))
        if end > start:  # some wanted documents may be in this block: look them up in its ids
            matcher._read_ids()
            ids = np.asarray(matcher._ids)
            wanted = docs[start:end]
            at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
            present = np.flatnonzero(ids[at] == wanted)
            if len(present):
                matcher._read_values()
                for k in present.tolist():
                    yield int(wanted[k]), set(decode(matcher._values[at[k]]))
            start = end
        matcher._next_block()


Columns = tuple[dict[str, np.ndarray], dict[str, Keyed], dict[str, MultiKeyed]]
KEYED_COLUMNS = ("source", "month", "id", "date_key", "dated")
MULTI_COLUMNS = ("country_list", "official_list")


def _segments_key(leaves: list[tuple[Any, int]]) -> str:
    """Which segments, in which order and of what size: what saved columns must match."""
    return "|".join(f"{reader.segment().segment_id()}:{reader.doc_count_all()}" for reader, _ in leaves)


def _read_columns(leaves: list[tuple[Any, int]], size: int) -> Columns:
    lengths = {f: _lengths(leaves, size, f) for f in SCORED_FIELDS}
    keyed = {c: _keyed(_column(leaves, size, c)) for c in KEYED_COLUMNS}
    multi = {c: _multi(_column(leaves, size, c), size) for c in MULTI_COLUMNS}
    return lengths, keyed, multi


def _load_columns(path: Path, segments: str) -> Columns | None:
    try:
        with np.load(path) as saved:
            if str(saved["segments"]) != segments:
                return None  # another generation's (a rebuild restarts generation numbers)
            lengths = {f: saved[f"length:{f}"] for f in SCORED_FIELDS}
            keyed = {c: Keyed(saved[f"keyed:{c}:values"].tolist(), saved[f"keyed:{c}:codes"]) for c in KEYED_COLUMNS}
            multi = {c: MultiKeyed(saved[f"multi:{c}:values"].tolist(), saved[f"multi:{c}:docs"],
                                   saved[f"multi:{c}:codes"], len(lengths[SCORED_FIELDS[0]])) for c in MULTI_COLUMNS}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None  # missing or unreadable: read the columns from Whoosh instead
    return lengths, keyed, multi


def _unfiltered(matcher: Any) -> Any:
    """The codec's own matcher: deleted documents are masked out by `alive` instead."""
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def _matcher(reader: Any, field: str, term: str) -> Any | None:
    """The term's matcher in one segment, deletions not filtered; None when the segment lacks it.
    (Asking `(field, term) in reader` first would look the term up twice: a query touches
    every one of its terms in every segment, so that was a quarter of a cold query's time.)"""
    try:
        return _unfiltered(reader.postings(field, term))
    except TermNotFound:
        return None


def _read_postings(reader: Any, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    matcher = _matcher(reader, field, term)
    if matcher is None:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64)
    ids: list[int] = []
    weights: list[float] = []
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        # whoosh3's block matcher: take each block's decoded arrays whole, not posting by posting
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float64)


def _lengths(leaves: list[tuple[Any, int]], size: int, field: str) -> np.ndarray:
    """Each document's length in `field`, as Whoosh's scorer sees it (decoded from one byte)."""
    out = np.zeros(size, dtype=np.float64)
    for reader, offset in leaves:
        per_doc = getattr(reader, "_perdoc", None)  # whoosh3's fast accessor, else the 2.7 API
        if per_doc is not None and hasattr(per_doc, "doc_field_length_reader"):
            length_of = per_doc.doc_field_length_reader(field, 0)
        else:
            def length_of(docnum: int, reader: Any = reader) -> int:
                return reader.doc_field_length(docnum, field, 0)
        count = reader.doc_count_all()
        out[offset:offset + count] = np.fromiter((length_of(d) or 0 for d in range(count)), dtype=np.float64, count=count)
    return out


def _column(leaves: list[tuple[Any, int]], size: int, name: str) -> list[str]:
    values = [""] * size
    for reader, offset in leaves:
        if not reader.has_column(name):
            continue
        column = reader.column_reader(name)
        for d in range(reader.doc_count_all()):
            value = column[d]
            values[offset + d] = value.decode("utf-8") if isinstance(value, bytes) else (value or "")
    return values


def _keyed(values: list[str]) -> Keyed:
    uniques, codes = np.unique(np.array(values, dtype=object), return_inverse=True)
    return Keyed([str(u) for u in uniques], codes.astype(np.int32))


def _multi(values: list[str], size: int) -> MultiKeyed:
    pairs = [(d, v) for d, joined in enumerate(values) if joined for v in joined.split("\t") if v]
    uniques = sorted({v for _, v in pairs})
    index = {v: i for i, v in enumerate(uniques)}
    docs = np.array([d for d, _ in pairs], dtype=np.int32)
    codes = np.array([index[v] for _, v in pairs], dtype=np.int32)
    return MultiKeyed(uniques, docs, codes, size)
