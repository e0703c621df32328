"""Shared fixtures: real Whoosh indexes built from real Vietnamese articles in temporary folders.

Session-scoped indexes are read-only; tests that write build their own in tmp_path.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search.engine import Engine
from search.indexer import index_paths
from webapp.engine_access import close as close_engine

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"  # the five sample articles, unchanged
SHARED = REPO.parent / "shared"
BAOMOI = SHARED / "corpora" / "baomoi-2017.jsonl.gz"
FACETS_DEV = SHARED / "eval" / "facets-dev.jsonl"

SECRET_TALKS = {"000_f5e902574d4b46d6", "002_7b0dbcd924d0e013", "003_7320291589475a09"}


def write_article(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("sample-index")
    report = index_paths(index_dir, [CORPUS])
    assert report.indexed == 5, report
    return index_dir


@pytest.fixture(scope="session")
def engine(sample_index: Path) -> Iterator[Engine]:
    engine = Engine(sample_index)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def app(sample_index: Path) -> Iterator[Flask]:
    from webapp import create_app

    app = create_app({"INDEX": sample_index, "ALLOWED_ORIGINS": ("http://127.0.0.1:9999",), "ADMIN_TOKEN": "s3cret",
                      "CORPUS": CORPUS})
    yield app
    close_engine(app)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def baomoi_path() -> Path:
    if not BAOMOI.exists():
        pytest.skip(f"needs the real corpus at {BAOMOI} (present in CI beside the clone, not in a fresh clone)")
    return BAOMOI
