"""Indexing: readers -> metadata extraction -> Whoosh documents, incrementally.

Each article carries a checksum of its raw content and the pipeline version; a re-run skips
articles whose checksum is unchanged and replaces those that changed.

The main process reads and extracts metadata; Whoosh's multi-process writer (search/writers.py)
analyses the documents, pyvi included, and writes their postings in one worker process per core,
each into its own segment. Articles stream through in bounded batches, so memory stays flat
whatever the archive's size, and the index is committed every COMMIT_EVERY articles, so an
interrupted run keeps what it finished.
"""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from whoosh import query as wq
from whoosh.index import Index

from search.analysis.names import names_version
from search.docarrays import DocArrays, HotPostings
from search.index_store import add_missing_fields, create_index, open_index, open_or_create, rebuilding, summed_lexicon
from search.ingest.readers import RawArticle, Skipped, is_jsonl, is_within, read_paths, real_location
from search.metadata import data_digest, extract, facet_name
from search.models import Article
from search.query.vocabulary import VOCABULARY_FIELD, Vocabulary
from search.schema import NAMES_FIELD_OF, PIPELINE_VERSION, UNDATED, indexed_body
from search.writers import cancel, open_writer

# Each commit leaves one segment per worker and merging is costly (Whoosh re-adds every posting
# in the parent process: serial, about as slow as indexing them was), so commits are sized for
# few segments without merges: 35,439 articles make 18 segments, below the ~20 where Whoosh's
# MERGE_SMALL policy starts merging (it rewrote 19k articles serially at 2,000 a commit: 510 s
# instead of ~270 s). Each worker's share of a batch must fit its posting pool (writers.WRITER_MB).
VERSION_FIELD = NAMES_FIELD_OF["body_syl"]  # every marked article holds names_version() there
COMMIT_EVERY = 4000  # also stated in `vnsearch index --help`
PARALLEL_FROM = 40  # below this many articles, worker start-up costs more than it saves


@dataclass
class IndexReport:
    indexed: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    unmarked: int = 0  # articles without the current name marks (search/analysis/names.py)
    pruning: bool = False  # the run was asked to remove articles its paths no longer hold
    removed: int = 0
    kept: int = 0  # articles the paths no longer hold, kept because pruning was unsafe
    kept_because: str = ""

    def summary(self) -> str:
        removed = f"{self.removed} removed, " if self.pruning else ""
        return (
            f"{self.indexed} indexed, {self.updated} updated, {self.unchanged} unchanged, "
            f"{removed}{len(self.skipped)} skipped"
        )


def checksum(raw: RawArticle) -> str:
    payload = json.dumps(
        [PIPELINE_VERSION, data_digest(), raw.id, raw.title, raw.body, raw.date, raw.source, raw.url, raw.summary,
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
    body = indexed_body(article.summary, article.body)
    return {
        "id": article.id,
        "checksum": digest,
        "origin": source_file(article.origin),
        "title": article.title,
        "body": body,
        "_stored_body": article.body,  # the summary is stored on its own
        "title_syl": article.title,
        "body_syl": body,
        "title_names": article.title,
        "body_names": body,
        "summary": article.summary or "",
        "url": article.url or "",
        "meta": json.dumps(meta, ensure_ascii=False),
        "date": date.iso() if date else "",
        "date_key": f"{date.year:04d}-{date.month:02d}-{(date.day or 0):02d}" if full else "",  # type: ignore[union-attr]
        "month": f"{date.year:04d}-{date.month:02d}" if full else UNDATED,  # type: ignore[union-attr]
        "dated": "1" if full else "0",
        "source": article.source or "",
        "country": ",".join(c.code for c in article.countries),
        "official": ",".join(facet_name(o).replace(",", " ") for o in article.officials),
        "country_list": "\t".join(c.code for c in article.countries),
        "official_list": "\t".join(dict.fromkeys(facet_name(o) for o in article.officials)),
    }


def existing_articles(ix: Index) -> tuple[dict[str, str], dict[str, str]]:
    """(id -> checksum, id -> the file it was read from) of every live document, read from
    columns segment by segment (cheap even for large indexes). An article indexed before
    origins were kept has "" for its file: an older segment has no such column."""
    checksums: dict[str, str] = {}
    origins: dict[str, str] = {}
    with ix.reader() as reader:
        for leaf, _offset in reader.leaf_readers():
            if not leaf.doc_count():
                continue
            ids, sums = leaf.column_reader("id"), leaf.column_reader("checksum")
            has = "origin" in leaf.schema and leaf.has_column("origin")  # an index from before origins: no field at all
            files = leaf.column_reader("origin") if has else None
            for n in leaf.all_doc_ids():
                checksums[ids[n]] = sums[n]
                origins[ids[n]] = files[n] if files is not None else ""
    return checksums, origins


def source_file(origin: str) -> str:
    """The file an article came from, its folder a real path (a folder reached through a link
    is the folder it leads to, so pruning either path prunes it) but the file's own name as
    read (a linked file is where the link is: deleting the link is what removes it from the
    archive): its origin without a JSON line's ":<n>"."""
    if not origin:
        return ""
    path, sep, line = origin.rpartition(":")
    if sep and line.isdigit() and is_jsonl(Path(path)):
        origin = path
    return real_location(origin)


def _jobs(paths: Iterable[Path], known: dict[str, str], origins: dict[str, str], report: IndexReport,
          progress: Callable[[], None] | None, seen: dict[str, str]) -> Iterator[tuple[RawArticle, str, bool]]:
    """Articles that need (re-)indexing; skipped and unchanged ones are only counted. Every
    article read lands in `seen` (id -> where it was read). An article that moved to another file
    unchanged is written again all the same: its origin is what --prune goes by."""
    for item in read_paths(paths):
        if progress:
            progress()
        if isinstance(item, Skipped):
            report.skipped.append(item)
            continue
        if item.id in seen:
            report.skipped.append(Skipped(item.origin, f"duplicate id {item.id!r} (first at {seen[item.id]})", unread=False))
            continue
        seen[item.id] = item.origin
        digest = checksum(item)
        previous = known.get(item.id)
        if previous == digest and origins.get(item.id) == source_file(item.origin):
            report.unchanged += 1
            continue
        yield item, digest, previous is not None


def index_paths(
    index_dir: Path,
    paths: Iterable[Path],
    rebuild: bool = False,
    progress: Callable[[], None] | None = None,
    procs: int | None = None,
    prune: bool = False,
) -> IndexReport:
    """Index every article under `paths` into `index_dir`; returns what happened to each.

    A rebuild is built beside the old index and replaces it when complete, so searches keep
    working from the old one meanwhile and an interrupted rebuild loses nothing. With `prune`,
    indexed articles that `paths` no longer hold are removed (see `_stale`).
    """
    if rebuild:
        had = _live_articles(index_dir)
        with rebuilding(index_dir) as fresh:
            report = _index_into(create_index(fresh), paths, progress, procs, prune)
            if had and not report.indexed:  # raised inside: the old index stays as it was
                raise NothingToIndex(f"the paths hold no article: --rebuild would empty the index at {index_dir} "
                                     f"({had} articles); it is left as it was")
            return report
    return _index_into(open_or_create(index_dir), paths, progress, procs, prune)


class NothingToIndex(Exception):
    """A rebuild from paths that hold no article (more likely a wrong path than an emptied archive)."""


def _live_articles(index_dir: Path) -> int:
    try:
        with open_index(index_dir).reader() as reader:
            return reader.doc_count()
    except Exception:  # missing or damaged: a rebuild is what repairs it, nothing to keep
        return 0


def _index_into(ix: Index, paths: Iterable[Path], progress: Callable[[], None] | None, procs: int | None,
                prune: bool) -> IndexReport:
    report = IndexReport(pruning=prune)
    known, origins = existing_articles(ix)
    seen: dict[str, str] = {}
    jobs = _jobs(paths, known, origins, report, progress, seen)
    head = list(islice(jobs, PARALLEL_FROM))
    if head:
        add_missing_fields(ix)
    procs = (procs if procs is not None else (os.cpu_count() or 1)) if len(head) >= PARALLEL_FROM else 1
    writer = open_writer(ix, procs)
    pending = written = 0
    try:
        for raw, digest, is_update in chain(head, jobs):
            document = to_document(extract(raw), digest)
            # the writer's analyzers run pyvi: in its worker processes when there are several
            (writer.update_document if is_update else writer.add_document)(**document)
            report.updated += is_update
            report.indexed += not is_update
            pending += 1
            written += 1
            if pending >= COMMIT_EVERY:
                writer.commit()
                writer, pending = open_writer(ix, procs), 0
        for article_id in _stale(origins, known, seen, report, paths) if prune else ():
            writer.delete_by_term("id", article_id)
            report.removed += 1
        if pending or written or report.removed:
            writer.commit()  # Whoosh's merge policy keeps the number of segments small
    except BaseException:  # a Ctrl-C in the last commit too: its workers are stopped
        cancel(writer)
        raise
    if pending or written or report.removed:
        save_for_servers(ix, Path(ix.storage.folder))
    else:
        cancel(writer)
        if ix.doc_count_all() and not saved_for_servers(ix, Path(ix.storage.folder)):
            save_for_servers(ix, Path(ix.storage.folder))  # an index from before a format change
    report.unmarked = unmarked_articles(ix)
    return report


def _stale(origins: dict[str, str], known: dict[str, str], seen: dict[str, str], report: IndexReport,
           paths: Iterable[Path]) -> list[str]:
    """The indexed articles a pruning run removes: those read from a file under `paths` that the
    paths no longer hold, unless it cannot be sure. Articles read from other paths into the same
    index stay (make run prunes corpus/ in an index that may hold an export too). A file or line
    it could not read may be one of them (a damaged file keeps its articles: nothing indexed is
    lost to bad input), and paths that hold no article at all are more likely a wrong path than
    an emptied archive."""
    roots = [real_location(p) for p in paths]  # as source_file: a linked folder is where it leads

    def under(origin: str) -> bool:
        return bool(origin) and any(is_within(origin, root) for root in roots)

    stale = sorted(i for i in set(known) - set(seen) if under(origins.get(i, "")))
    unread = sum(1 for s in report.skipped if s.unread)
    if stale and unread:
        report.kept, report.kept_because = len(stale), f"{unread} {'file or line' if unread == 1 else 'files or lines'} could not be read"
        return []
    if stale and not seen:
        report.kept, report.kept_because = len(stale), "the paths hold no articles"
        return []
    return stale


def unmarked_articles(ix: Index) -> int:
    """Live articles without the current name marks: indexed by older code or with other alias
    data. Their name searches read positions (right, only slower) until a rebuild marks them."""
    with ix.searcher() as searcher:
        if VERSION_FIELD not in searcher.schema:
            return searcher.doc_count()
        marked = sum(1 for _ in searcher.docs_for_query(wq.Term(VERSION_FIELD, names_version())))
        return searcher.doc_count() - marked


def saved_for_servers(ix: Index, index_dir: Path) -> bool:
    """Whether this generation's server files are all there, in the current format."""
    generation = ix.latest_generation()
    needed = [DocArrays.path_for(index_dir, generation), *HotPostings.paths(index_dir, generation)]
    return (all(path.is_file() for path in needed) and zipfile.is_zipfile(needed[0])  # a cut-short file is re-saved
            and HotPostings.is_whole(index_dir, generation)
            and Vocabulary.saved_is_current(Vocabulary.path_for(index_dir, generation)))


def save_for_servers(ix: Index, index_dir: Path) -> None:
    """What a server needs at start, computed once per generation here: the query side's
    vocabulary (not the whole lexicon), the ranking's per-article columns (not every column)
    and the common terms' whole posting lists (docarrays.HotPostings)."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        arrays = DocArrays.load(searcher)
        with HotPostings.helper(arrays, index_dir) as helper:  # the slowest field, on the other core meanwhile
            body = summed_lexicon((leaf for leaf, _ in reader.leaf_readers()), VOCABULARY_FIELD)
            Vocabulary.from_lexicon(reader.doc_count_all(), body).save(Vocabulary.path_for(index_dir, reader.generation()))
            arrays.save(index_dir, {VOCABULARY_FIELD: body}, helper)
