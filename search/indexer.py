"""Indexing: readers -> metadata extraction -> Whoosh documents, incrementally.

Each article carries a checksum of its raw content and the pipeline version; a re-run skips
articles whose checksum is unchanged and replaces those that changed.

The expensive per-article work (metadata extraction and pyvi segmentation) runs in worker
processes; the main process only feeds Whoosh, which is single-writer. Work is handed out in
bounded batches, so memory stays flat whatever the archive's size, and the index is committed
every COMMIT_EVERY articles, so an interrupted run keeps what it finished.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.index import Index
from whoosh.writing import IndexWriter

from search.analysis.segmenter import Segment, forget_preloaded, preload, segment
from search.index_store import create_index, open_or_create, rebuilding
from search.ingest.readers import RawArticle, Skipped, read_paths
from search.metadata import extract
from search.models import Article
from search.query.vocabulary import Vocabulary
from search.schema import PIPELINE_VERSION, UNDATED

COMMIT_EVERY = 2000
BATCH = 64  # articles handed to the workers at a time
PARALLEL_FROM = 40  # below this many articles, worker start-up (pyvi load) costs more than it saves
WRITER_MB = 256


@dataclass
class IndexReport:
    indexed: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.indexed} indexed, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped"
        )


def checksum(raw: RawArticle) -> str:
    payload = json.dumps(
        [PIPELINE_VERSION, raw.id, raw.title, raw.body, raw.date, raw.source, raw.url, raw.summary,
         raw.countries, raw.officials],
        ensure_ascii=False,
    )
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def to_document(article: Article, digest: str) -> dict[str, object]:
    date = article.date
    full = date is not None and date.year is not None
    meta = {
        "countries": [{"code": c.code, "name": c.name} for c in article.countries],
        "officials": [
            {"name": o.name, "aliases": list(o.aliases), "role": o.role, "country": o.country}
            for o in article.officials
        ],
    }
    return {
        "id": article.id,
        "checksum": digest,
        "title": article.title,
        "body": article.body,
        "title_syl": article.title,
        "body_syl": article.body,
        "summary": article.summary or "",
        "url": article.url or "",
        "meta": json.dumps(meta, ensure_ascii=False),
        "date": date.iso() if date else "",
        "date_key": f"{date.year:04d}-{date.month:02d}-{(date.day or 0):02d}" if full else "",  # type: ignore[union-attr]
        "month": f"{date.year:04d}-{date.month:02d}" if full else UNDATED,  # type: ignore[union-attr]
        "dated": "1" if full else "0",
        "source": article.source or "",
        "country": ",".join(c.code for c in article.countries),
        "official": ",".join(o.name.replace(",", " ") for o in article.officials),
        "country_list": "\t".join(c.code for c in article.countries),
        "official_list": "\t".join(o.name for o in article.officials),
    }


@dataclass
class Prepared:
    """A document ready for Whoosh, with the pyvi segmentation of its word fields."""

    document: dict[str, Any]
    segmentations: dict[str, list[Segment]]
    is_update: bool


def prepare(job: tuple[RawArticle, str, bool]) -> Prepared:
    """Worker-side: extraction and segmentation, the two costly steps."""
    raw, digest, is_update = job
    document = to_document(extract(raw), digest)
    texts = {document["title"], document["body"]}
    return Prepared(document, {t: segment(t) for t in texts if isinstance(t, str)}, is_update)


def existing_checksums(ix: Index) -> dict[str, str]:
    """id -> checksum of every live document, read from columns (cheap even for large indexes)."""
    with ix.reader() as reader:
        if reader.doc_count() == 0:
            return {}
        ids = reader.column_reader("id")
        sums = reader.column_reader("checksum")
        return {ids[n]: sums[n] for n in reader.all_doc_ids()}


def _jobs(paths: Iterable[Path], known: dict[str, str], report: IndexReport,
          progress: Callable[[], None] | None) -> Iterator[tuple[RawArticle, str, bool]]:
    """Articles that need (re-)indexing; skipped and unchanged ones are only counted."""
    seen: dict[str, str] = {}
    for item in read_paths(paths):
        if progress:
            progress()
        if isinstance(item, Skipped):
            report.skipped.append(item)
            continue
        if item.id in seen:
            report.skipped.append(Skipped(item.origin, f"duplicate id {item.id!r} (first at {seen[item.id]})"))
            continue
        seen[item.id] = item.origin
        digest = checksum(item)
        previous = known.get(item.id)
        if previous == digest:
            report.unchanged += 1
            continue
        yield item, digest, previous is not None


def _batches(jobs: Iterator[tuple[RawArticle, str, bool]]) -> Iterator[list[tuple[RawArticle, str, bool]]]:
    batch: list[tuple[RawArticle, str, bool]] = []
    for job in jobs:
        batch.append(job)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _prepared(jobs: Iterator[tuple[RawArticle, str, bool]], procs: int) -> Iterator[Prepared]:
    """Prepared documents in input order; in worker processes once there are enough of them."""
    batches = _batches(jobs)
    first = next(batches, [])
    if len(first) < BATCH or procs < 2:
        for batch in (first, *batches) if first else ():
            yield from map(prepare, batch)
        return
    context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    with context.Pool(procs) as pool:
        pending = pool.map_async(prepare, first, chunksize=4)
        for batch in batches:  # the workers prepare the next batch while this one is written
            ready, pending = pending.get(), pool.map_async(prepare, batch, chunksize=4)
            yield from ready
        yield from pending.get()


def _write(writer: IndexWriter, item: Prepared) -> None:
    for text, words in item.segmentations.items():
        preload(text, words)
    try:
        if item.is_update:
            writer.update_document(**item.document)
        else:
            writer.add_document(**item.document)
    finally:
        forget_preloaded()  # an empty field is never analysed: drop what it did not take


def index_paths(
    index_dir: Path,
    paths: Iterable[Path],
    rebuild: bool = False,
    progress: Callable[[], None] | None = None,
    procs: int | None = None,
) -> IndexReport:
    """Index every article under `paths` into `index_dir`; returns what happened to each.

    A rebuild is built beside the old index and replaces it when complete, so searches keep
    working from the old one meanwhile and an interrupted rebuild loses nothing.
    """
    if rebuild:
        with rebuilding(index_dir) as fresh:
            return _index_into(create_index(fresh), paths, progress, procs)
    return _index_into(open_or_create(index_dir), paths, progress, procs)


def _index_into(ix: Index, paths: Iterable[Path], progress: Callable[[], None] | None, procs: int | None) -> IndexReport:
    report = IndexReport()
    jobs = _jobs(paths, existing_checksums(ix), report, progress)
    writer = ix.writer(limitmb=WRITER_MB)
    pending = written = 0
    try:
        for item in _prepared(jobs, procs if procs is not None else (os.cpu_count() or 1)):
            _write(writer, item)
            report.updated += item.is_update
            report.indexed += not item.is_update
            pending += 1
            written += 1
            if pending >= COMMIT_EVERY:
                writer.commit()
                writer, pending = ix.writer(limitmb=WRITER_MB), 0
    except BaseException:
        writer.cancel()
        raise
    if pending or written:
        # A run that committed in steps left several segments; one is faster to search.
        writer.commit(optimize=written > COMMIT_EVERY)
        save_vocabulary(ix, Path(ix.storage.folder))
    else:
        writer.cancel()
    return report


def save_vocabulary(ix: Index, index_dir: Path) -> None:
    """The query side's vocabulary of this generation, so servers need not read the lexicon."""
    with ix.reader() as reader:
        Vocabulary.from_reader(reader).save(Vocabulary.path_for(index_dir, reader.generation()))
