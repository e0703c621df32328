"""Opening and creating the on-disk index, with clear errors instead of tracebacks."""
from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import FieldType, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index, LockError
from whoosh.reading import IndexReader

from search.schema import PIPELINE_VERSION, build_schema

INDEX_NAME = "vnsearch"
MARKER = "vnsearch.json"


class IndexUnavailable(Exception):
    """The index is missing, unreadable or from an incompatible version (message says what to do)."""


def index_exists(index_dir: Path) -> bool:
    """A table of contents is there; whether it can be read is for open_index to say
    (whoosh's exists_in reads it, and raises on a damaged one)."""
    return index_dir.is_dir() and any(index_dir.glob(f"_{INDEX_NAME}_*.toc"))


def open_index(index_dir: Path) -> Index:
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexUnavailable(f"{index_dir} is a file, not an index folder: give --index a folder")
    if not index_exists(index_dir):
        raise IndexUnavailable(f"no index at {index_dir}: build one with 'vnsearch index --index {index_dir}'")
    try:
        # No mmap: whoosh3 copies each mmapped segment file into a BytesIO, so a server held
        # the whole index in memory (~2x its size on disk); plain reads keep memory flat.
        return FileStorage(str(index_dir), supports_mmap=False).open_index(INDEX_NAME)
    except Exception as e:  # a damaged TOC or segment: Whoosh raises many types
        raise IndexUnavailable(f"cannot open the index at {index_dir} ({e}); rebuild it with 'vnsearch index --rebuild'") from e


def create_index(index_dir: Path) -> Index:
    index_dir.mkdir(parents=True, exist_ok=True)
    # No mmap, as in open_index: reading back a fresh index's segments at the end of a run (the
    # files saved for servers) otherwise copied them all into memory (1.4 GB on 35k articles).
    ix = FileStorage(str(index_dir), supports_mmap=False).create_index(build_schema(), indexname=INDEX_NAME)
    (index_dir / MARKER).write_text(json.dumps({"pipeline_version": PIPELINE_VERSION}))
    return ix


def open_or_create(index_dir: Path) -> Index:
    if index_exists(index_dir):
        return open_index(index_dir)
    # Two indexers may find the folder empty at once, and Whoosh's create first deletes every
    # index file it finds, the other creator's included: creating is serialised by a lock.
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileStorage(str(index_dir)).lock(f"{INDEX_NAME}_CREATELOCK")
    lock.acquire(blocking=True)
    try:
        if not index_exists(index_dir):
            return create_index(index_dir)
    finally:
        lock.release()
    return open_index(index_dir)


def add_missing_fields(ix: Index) -> list[str]:
    """Give an index built by older code the fields the schema has gained since (the name
    marks), and the analysis its fields have changed to (the syllable fields' clause breaks),
    so that the articles indexed from now on get them; its older articles keep what they were
    indexed with until they are indexed again (readers treat a field a segment lacks as
    empty; a pipeline version change re-indexes every article). Committed before any writer
    of the run opens: the sub-writer processes read the schema from the index's table of
    contents, where Whoosh keeps each field's analyzer."""
    wanted = build_schema()
    if not _outdated(ix.schema, wanted):
        return []
    writer = ix.writer()
    try:  # asked again under the write lock: another indexer may have changed it meanwhile
        outdated = _outdated(writer.schema, wanted)
        for name in outdated:
            if name in writer.schema:
                writer.remove_field(name)  # from the schema only: the segments' postings stay
            writer.add_field(name, wanted[name])
    except BaseException:
        writer.cancel()
        raise
    if outdated:
        writer.commit(merge=False)
    else:
        writer.cancel()
    return outdated


def _outdated(schema: Schema, wanted: Schema) -> list[str]:
    return [name for name in wanted.names() if name not in schema or _analysis(schema[name]) != _analysis(wanted[name])]


def _analysis(field: FieldType) -> tuple[type, ...]:
    """The classes of a field's analysis chain: what an index built by other code may differ in
    (the syllable fields' tokenizer was Whoosh's RegexTokenizer before the clause breaks)."""
    analyzer = getattr(field, "analyzer", None)
    return tuple(type(part) for part in getattr(analyzer, "items", [analyzer]))


_INDEX_FILE = re.compile(rf"^_?{INDEX_NAME}[._]")
# What save_for_generation writes for one generation (`<kind>-<generation><suffix>`): derived
# from the index, so never carried over into a rebuilt one (where it would be stale, and the
# hot postings are about a quarter of the index on disk).
_GENERATION_FILE = re.compile(r"^[a-z]+-\d+(\.tmp)?\.(json|npz|npy)$")


@contextmanager
def rebuilding(index_dir: Path) -> Iterator[Path]:
    """A fresh folder to build a new index in; on success it takes the old index's place.

    Readers keep answering from the old index until the swap (two renames), and the old
    index's write lock is held meanwhile, so no other indexer writes into what is replaced.
    Files of the folder that are not the index's (a README, a build stamp) are carried over.
    """
    fresh = index_dir.with_name(f".{index_dir.name}.rebuild-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    lock = None
    if index_exists(index_dir):
        try:
            lock = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME).lock("WRITELOCK")
        except Exception:  # a damaged index: nothing to protect, replace it anyway
            lock = None
        if lock is not None and not lock.acquire(False):
            raise LockError(f"the index at {index_dir} is being written by another process")
    try:
        yield fresh
        old = index_dir.with_name(f".{index_dir.name}.old-{os.getpid()}")
        if index_dir.exists():
            for item in index_dir.iterdir():
                if (item.is_file() and not _INDEX_FILE.match(item.name) and not _GENERATION_FILE.match(item.name)
                        and not (fresh / item.name).exists()):
                    shutil.copy2(item, fresh / item.name)
            index_dir.rename(old)
        fresh.rename(index_dir)
        if lock is not None:
            lock.release()
            lock = None
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if lock is not None:
            lock.release()
        shutil.rmtree(fresh, ignore_errors=True)


def save_for_generation(path: Path, write: Callable[[Path], None]) -> None:
    """Write a file that belongs to one index generation (`<kind>-<generation><suffix>` beside
    the index) atomically, so a reader never sees half of it, and drop other generations' ones."""
    tmp = path.with_name(f"{path.stem}.tmp{path.suffix}")
    write(tmp)
    tmp.replace(path)
    kind = path.name.rsplit("-", 1)[0]
    for stale in path.parent.glob(f"{kind}-*{path.suffix}"):
        if stale != path:
            stale.unlink(missing_ok=True)


def term_text(term: str | bytes) -> str:
    """A term as text: Whoosh hands terms out as UTF-8 bytes or as str, depending on the call."""
    return term.decode("utf-8") if isinstance(term, bytes) else term


Lexicon = dict[str, tuple[int, float]]  # term -> (document frequency, total weight)


def summed_lexicon(readers: Iterable[IndexReader], field: str) -> Lexicon:
    """term -> (document frequency, total weight) in `field`, summed over segment readers.

    Segment by segment: a multi-segment reader merges the lexicons term by term through a heap,
    ~10x slower (52 s instead of 5 s for the body field of 35k articles in 18 segments).
    """
    totals: Lexicon = {}
    for reader in readers:
        for raw, info in reader.iter_field(field):
            term = term_text(raw)
            df, weight = totals.get(term, (0, 0.0))
            totals[term] = (df + info.doc_frequency(), weight + info.weight())
    return totals
