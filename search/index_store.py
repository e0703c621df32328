"""Opening and creating the on-disk index, with clear errors instead of tracebacks."""
from __future__ import annotations

import json
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

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
    if not index_exists(index_dir):
        raise IndexUnavailable(f"no index at {index_dir}: build one with 'vnsearch index --index {index_dir}'")
    try:
        return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
    except Exception as e:  # a damaged TOC or segment: Whoosh raises many types
        raise IndexUnavailable(f"cannot open the index at {index_dir} ({e}); rebuild it with 'vnsearch index --rebuild'") from e


def create_index(index_dir: Path) -> Index:
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), build_schema(), indexname=INDEX_NAME)
    (index_dir / MARKER).write_text(json.dumps({"pipeline_version": PIPELINE_VERSION}))
    return ix


def open_or_create(index_dir: Path, rebuild: bool) -> Index:
    if rebuild or not index_exists(index_dir):
        return create_index(index_dir)
    return open_index(index_dir)
