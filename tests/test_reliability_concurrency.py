"""Searching while the index changes: every search sees one whole generation, never an error,
and a running Engine (so a running server) serves each new generation without a restart.

Re-indexing runs the real indexer in this process (as POST /api/admin/reindex does) or the
real CLI in a subprocess (as an operator would), while threads search in a loop.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from search.engine import Engine
from search.indexer import COMMIT_EVERY, index_paths
from search.models import SearchRequest
from tests.conftest import REPO
from tests.test_reliability_corpus import synthetic_articles, write_jsonl
from webapp import create_app
from webapp.engine_access import close as close_engine

MARKER = "Cập nhật khẩn"  # added to the title of updated articles; not in the corpus
BASE = 120
READERS = 4


def edition(folder: Path, version: int) -> Path:
    """Version 1: BASE articles. Each later version adds 40 articles and rewrites 30 more titles."""
    folder.mkdir(parents=True, exist_ok=True)
    articles = list(synthetic_articles(BASE + 40 * (version - 1)))
    for n in range(30 * (version - 1)):  # cumulative: each edition marks 30 more
        articles[n]["title"] = f"{MARKER}: " + articles[n]["title"]
    assert len(articles) - BASE < COMMIT_EVERY  # one commit per re-index: old or new, nothing between
    path = folder / "export.jsonl"
    write_jsonl(path, iter(articles))
    return folder


def expected(version: int) -> tuple[int, int]:
    """(articles, articles whose title has the marker) in an edition."""
    return BASE + 40 * (version - 1), 30 * (version - 1)


def all_ids(engine: Engine) -> list[str]:
    ids: list[str] = []
    page = 1
    while True:
        result = engine.search(SearchRequest(per_page=100, page=page))
        ids += [h.id for h in result.hits]
        if page >= result.pages:
            return ids
        page += 1


def assert_generations(seen: list[tuple[int, int]], version: int) -> None:
    """Each search saw the edition before or the edition after (the two searches of one
    observation may straddle the commit, so each count is checked on its own)."""
    before, after = expected(version - 1), expected(version)
    assert seen, "the readers never completed a search"
    assert {total for total, _ in seen} <= {before[0], after[0]}, sorted(set(seen))
    assert {marked for _, marked in seen} <= {before[1], after[1]}, sorted(set(seen))


class Readers:
    """Threads searching in a loop; they record what they saw and any exception."""

    def __init__(self, search: Callable[[], tuple[int, int]]) -> None:
        self.search = search
        self.seen: list[tuple[int, int]] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(READERS)]

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.seen.append(self.search())
            except BaseException as e:  # noqa: BLE001 - any error is the finding
                self.errors.append(e)
                return

    def __enter__(self) -> Readers:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in self._threads), "a search never returned"


@pytest.fixture()
def engine_on(tmp_path: Path) -> Iterator[Callable[[Path], Engine]]:
    opened: list[Engine] = []

    def open_engine(index_dir: Path) -> Engine:
        opened.append(Engine(index_dir))
        return opened[-1]

    yield open_engine
    for engine in opened:
        engine.close()


def engine_counts(engine: Engine) -> tuple[int, int]:
    everything = engine.search(SearchRequest(query="", per_page=5))
    marked = engine.search(SearchRequest(query=f'"{MARKER}"', per_page=5))
    return everything.total, marked.total if not marked.relaxed else 0


def test_engine_sees_old_or_new_generation_while_reindexing(tmp_path: Path, engine_on: Callable[[Path], Engine]) -> None:
    index_dir = tmp_path / "ix"
    assert index_paths(index_dir, [edition(tmp_path / "archive", 1)], procs=1).indexed == BASE
    engine = engine_on(index_dir)
    assert engine_counts(engine) == expected(1)
    for version in (2, 3, 4):  # updates delete documents in old segments; later commits merge segments
        with Readers(lambda: engine_counts(engine)) as readers:
            time.sleep(0.2)
            report = index_paths(index_dir, [edition(tmp_path / "archive", version)], procs=1)
            time.sleep(0.2)
        assert not readers.errors, readers.errors
        assert report.indexed == 40 and report.updated == 30
        assert_generations(readers.seen, version)
        assert engine_counts(engine) == expected(version)  # the same Engine, no restart
        ids = all_ids(engine)
        assert len(ids) == len(set(ids)) == expected(version)[0]  # no document twice


def test_engine_follows_a_rebuild_from_the_cli(tmp_path: Path, engine_on: Callable[[Path], Engine]) -> None:
    """`vnsearch index --rebuild` on a served index: no search fails, and the result is served."""
    index_dir = tmp_path / "ix"
    assert index_paths(index_dir, [edition(tmp_path / "v3", 3)], procs=1).indexed == expected(3)[0]
    engine = engine_on(index_dir)
    assert engine_counts(engine) == expected(3)
    with Readers(lambda: engine_counts(engine)) as readers:
        cli = subprocess.run([sys.executable, "-m", "search.cli", "index", "--rebuild", "--index", str(index_dir),
                              str(edition(tmp_path / "v1", 1))], cwd=REPO, capture_output=True, text=True, timeout=300)
        time.sleep(0.2)
    assert cli.returncode == 0, cli.stderr
    assert not readers.errors, readers.errors
    assert engine_counts(engine) == expected(1)
    assert sorted(all_ids(engine)) == sorted(a["id"] for a in synthetic_articles(BASE))


def test_server_picks_up_admin_reindex_without_restart(tmp_path: Path) -> None:
    index_dir, corpus = tmp_path / "ix", tmp_path / "corpus"
    edition(corpus, 1)
    assert index_paths(index_dir, [corpus], procs=1).indexed == BASE
    app = create_app({"INDEX": index_dir, "CORPUS": corpus, "ADMIN_TOKEN": "t0ken", "ALLOWED_ORIGINS": ()})

    def api_counts(client: FlaskClient) -> tuple[int, int]:
        everything = client.get("/api/search?q=&per_page=5")
        marked = client.get("/api/search", query_string={"q": f'"{MARKER}"'})
        assert everything.status_code == 200 and marked.status_code == 200, (everything.data, marked.data)
        return everything.get_json()["total"], 0 if marked.get_json()["relaxed"] else marked.get_json()["total"]

    clients = threading.local()

    def search() -> tuple[int, int]:
        if not hasattr(clients, "c"):
            clients.c = app.test_client()
        return api_counts(clients.c)

    try:
        client = app.test_client()
        assert api_counts(client) == expected(1)
        for version in (2, 3):
            (corpus / "export.jsonl").unlink()
            edition(corpus, version)
            with Readers(search) as readers:
                time.sleep(0.2)
                response = client.post("/api/admin/reindex", headers={"Authorization": "Bearer t0ken"})
                time.sleep(0.2)
            assert response.status_code == 200, response.data
            assert (response.get_json()["indexed"], response.get_json()["updated"]) == (40, 30)
            assert not readers.errors, readers.errors
            assert_generations(readers.seen, version)
            assert api_counts(client) == expected(version)
            assert client.get("/api/stats").get_json()["articles"] == expected(version)[0]
            assert client.get("/healthz").get_json()["articles"] == expected(version)[0]
            assert client.get("/", query_string={"q": MARKER}).status_code == 200
    finally:
        close_engine(app)


def test_concurrent_cli_indexers_do_not_corrupt_the_index(tmp_path: Path) -> None:
    """Two `vnsearch index` runs at once: one may be told the index is busy; none may crash or
    leave duplicates; a later run completes the index."""
    index_dir = tmp_path / "ix"
    sources = [edition(tmp_path / "a", 2), edition(tmp_path / "b", 3)]
    runs = [subprocess.Popen([sys.executable, "-m", "search.cli", "index", "--index", str(index_dir), str(src)],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for src in sources]
    outcomes = [(p.wait(timeout=300), *p.communicate()) for p in runs]
    for code, _out, err in outcomes:
        assert "Traceback" not in err, err
        assert code == 0 or (code == 1 and "vnsearch: " in err and "index" in err), (code, err)
    final = subprocess.run([sys.executable, "-m", "search.cli", "index", "--index", str(index_dir), str(sources[1])],
                           cwd=REPO, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    stats = subprocess.run([sys.executable, "-m", "search.cli", "stats", "--json", "--index", str(index_dir)],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert json.loads(stats.stdout)["articles"] == expected(3)[0]


_NEWER_CODE = """
import sys
from pathlib import Path
from whoosh.analysis import Tokenizer
from whoosh.fields import TEXT
from whoosh.index import open_dir

class FutureTokenizer(Tokenizer):  # a class only newer code has
    def __eq__(self, other):
        return type(other) is type(self)
    def __hash__(self):
        return hash(type(self))

if __name__ == "__main__":
    import vnsearch_future
    writer = open_dir(sys.argv[1], indexname="vnsearch").writer()
    writer.add_field("future", TEXT(analyzer=vnsearch_future.FutureTokenizer()))
    writer.commit()
"""


def test_a_generation_this_code_cannot_read_leaves_the_served_one(tmp_path: Path, engine_on: Callable[[Path], Engine],
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    """Newer code indexing into a served index writes a schema naming classes this code lacks
    (the syllable tokenizer's class replaced a function once): the server keeps answering
    from the generation it has, and says so once, instead of failing every search."""
    index_dir = tmp_path / "ix"
    assert index_paths(index_dir, [edition(tmp_path / "archive", 1)], procs=1).indexed == BASE
    engine = engine_on(index_dir)
    assert engine_counts(engine) == expected(1)
    module = tmp_path / "newer" / "vnsearch_future.py"
    module.parent.mkdir()
    module.write_text(_NEWER_CODE)
    done = subprocess.run([sys.executable, str(module), str(index_dir)], cwd=module.parent, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(module.parent)})
    assert done.returncode == 0, done.stderr
    with caplog.at_level("WARNING", logger="search.engine"):
        assert engine_counts(engine) == expected(1)
        assert engine_counts(engine) == expected(1)
    warnings = [r.getMessage() for r in caplog.records if "cannot read the index's new generation" in r.getMessage()]
    assert len(warnings) == 1, warnings
