"""Indexing: readers -> metadata extraction -> Whoosh documents, incrementally.

Each article carries a checksum of its raw content and the pipeline version; a re-run skips
articles whose checksum is unchanged and replaces those that changed.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import Index

from search.index_store import open_or_create
from search.ingest.readers import RawArticle, Skipped, read_paths
from search.metadata import extract
from search.models import Article
from search.schema import PIPELINE_VERSION

UNDATED = "undated"


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


def existing_checksums(ix: Index) -> dict[str, str]:
    """id -> checksum of every live document, read from columns (cheap even for large indexes)."""
    with ix.reader() as reader:
        if reader.doc_count() == 0:
            return {}
        ids = reader.column_reader("id")
        sums = reader.column_reader("checksum")
        return {ids[n]: sums[n] for n in reader.all_doc_ids()}


def index_paths(
    index_dir: Path,
    paths: Iterable[Path],
    rebuild: bool = False,
    progress: Callable[[], None] | None = None,
) -> IndexReport:
    """Index every article under `paths` into `index_dir`; returns what happened to each."""
    ix = open_or_create(index_dir, rebuild)
    known = existing_checksums(ix)
    report = IndexReport()
    seen: dict[str, str] = {}
    writer = ix.writer(limitmb=256)
    try:
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
            document = to_document(extract(item), digest)
            if previous is None:
                writer.add_document(**document)
                report.indexed += 1
            else:
                writer.update_document(**document)
                report.updated += 1
    except BaseException:
        writer.cancel()
        raise
    if report.indexed or report.updated or rebuild:
        writer.commit()
    else:
        writer.cancel()
    return report
