"""The benchmarks stay runnable: each runs on a tiny subset and prints its metric names.

No timing assertions: speed is measured (and judged) by the benchmarks themselves.
"""
from __future__ import annotations

import gzip
import subprocess
import sys
from itertools import islice
from pathlib import Path

import pytest

from search.indexer import index_paths
from tests.conftest import REPO

pytestmark = pytest.mark.corpus

HANG_GUARD_S = 600  # not a timing assertion: only stops a hung run from blocking CI forever


def run_bench(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(REPO / "bench" / script), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=HANG_GUARD_S)
    assert done.returncode == 0, f"{script} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done.stdout


def test_relevance_benchmark_runs(baomoi_path: Path, tmp_path: Path) -> None:
    out = run_bench("relevance.py", "--corpus", str(baomoi_path), "--limit", "200", "--targets", "10",
                    "--out", str(tmp_path), "--verbose")
    for name in ("MRR@10", "recall@10", "median ms", "keyword", "unaccented", "long", "fts5", "whoosh", "targets:", "did you mean"):
        assert name in out
    assert (tmp_path / "relevance-200.json").is_file()
    subset = tmp_path / "subset.jsonl"  # bench/misses.py reads relevance's results against our index
    with gzip.open(baomoi_path, "rt", encoding="utf-8") as src:
        subset.write_text("".join(islice(src, 200)), encoding="utf-8")
    index_paths(tmp_path / "ix", [subset])
    out = run_bench("misses.py", "--index", str(tmp_path / "ix"), "--results", str(tmp_path / "relevance-200.json"))
    for name in ("rank 1", "near-copy above", "same story above", "different above"):
        assert name in out


def test_index_benchmark_runs(baomoi_path: Path, tmp_path: Path) -> None:
    out = run_bench("index.py", "--corpus", str(baomoi_path), "--sizes", "200", "--out", str(tmp_path))
    for name in ("art/s", "chars/s", "peak RSS MB", "index MB", "pyvi floor s", "ours/floor", "FTS5 s", "re-run s",
                 "ours/pyvi-floor", "machine:"):
        assert name in out
    assert "200 unchanged" in out  # the re-run found nothing to do
    assert (tmp_path / "index-200.json").is_file()


def test_query_benchmark_runs(baomoi_path: Path, tmp_path: Path) -> None:
    out = run_bench("query.py", "--corpus", str(baomoi_path), "--limit", "200", "--repeat", "1", "--out", str(tmp_path))
    for name in ("p50 ms", "p95 ms", "p99 ms", "page", "api", "fts5", "VmRSS", "first answer", "targets:"):
        assert name in out
    assert (tmp_path / "query-200.json").is_file()
