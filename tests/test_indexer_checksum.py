"""What a plain re-run re-indexes: every field a reader gives is part of the article's checksum,
so changing any one of them alone (a date, a source, a summary, a link) replaces the article,
and the new value is what is searched, filtered on and shown. On real indexes in tmp_path."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from search.engine import Engine
from search.indexer import IndexReport, index_paths
from search.models import SearchRequest
from tests.conftest import write_article

FLOOD = "Mưa lớn ở Huế\nMưa lớn kéo dài khiến nhiều tuyến phố ở Huế ngập sâu, người dân phải di chuyển bằng thuyền."
MARKET = "Giá vàng tăng\nGiá vàng trong nước tăng mạnh sáng nay, nhiều người xếp hàng chờ mua."


def front_matter(date: str, source: str, text: str) -> str:
    return f"---\ndate: {date}\nsource: {source}\n---\n{text}"


def reindexed(docs: Path, index_dir: Path) -> IndexReport:
    report = index_paths(index_dir, [docs])
    assert report.skipped == []
    return report


def ids(engine: Engine, **kw: object) -> list[str]:
    return sorted(h.id for h in engine.search(SearchRequest(query="", per_page=50, **kw)).hits)  # type: ignore[arg-type]


@pytest.fixture()
def folder(tmp_path: Path) -> tuple[Path, Path]:
    """Two text articles with front matter, indexed once; a re-run without changes skips both."""
    docs = tmp_path / "docs"
    write_article(docs, "flood.txt", front_matter("2022-01-05", "Tuổi Trẻ", FLOOD))
    write_article(docs, "market.txt", front_matter("2022-01-05", "Tuổi Trẻ", MARKET))
    index_dir = tmp_path / "ix"
    assert reindexed(docs, index_dir).indexed == 2
    assert reindexed(docs, index_dir).unchanged == 2
    return docs, index_dir


def rewrite_flood(folder: tuple[Path, Path], date: str, source: str) -> Path:
    """flood.txt rewritten with only its front matter changed, then the folder re-indexed: the
    one file is updated, the other unchanged. The index folder."""
    docs, index_dir = folder
    write_article(docs, "flood.txt", front_matter(date, source, FLOOD))
    report = reindexed(docs, index_dir)
    assert (report.indexed, report.updated, report.unchanged) == (0, 1, 1)
    return index_dir


def test_changing_only_a_files_date_reindexes_it(folder: tuple[Path, Path]) -> None:
    with Engine(rewrite_flood(folder, "2022-01-06", "Tuổi Trẻ")) as engine:
        article = engine.article("flood")
        assert article is not None and article.date == "2022-01-06"
        assert ids(engine, date_from="2022-01-06", date_to="2022-01-06") == ["flood"]
        assert ids(engine, date_from="2022-01-05", date_to="2022-01-05") == ["market"]


def test_changing_only_a_files_source_reindexes_it(folder: tuple[Path, Path]) -> None:
    with Engine(rewrite_flood(folder, "2022-01-05", "Thanh Niên")) as engine:
        article = engine.article("flood")
        assert article is not None and article.source == "Thanh Niên"
        assert ids(engine, sources=("Thanh Niên",)) == ["flood"]
        assert ids(engine, sources=("Tuổi Trẻ",)) == ["market"]
        shown = {v.value: v.count for v in engine.search(SearchRequest(query="")).facets["source"]}
        assert shown == {"Thanh Niên": 1, "Tuổi Trẻ": 1}


ROW = {"id": "hue-1", "title": "Mưa lớn ở Huế", "body": "Mưa lớn kéo dài khiến nhiều tuyến phố ở Huế ngập sâu.",
       "date": "2022-01-05", "source": "Tuổi Trẻ", "url": "https://example.org/hue-1",
       "summary": "Nước sông Hương dâng cao sau ba ngày mưa."}
OTHER = {"id": "gold-1", "title": "Giá vàng tăng", "body": "Giá vàng trong nước tăng mạnh sáng nay.",
         "date": "2022-01-05", "source": "Tuổi Trẻ"}


def _date_shown(engine: Engine) -> None:
    assert engine.article("hue-1").date == "2022-02-07"  # type: ignore[union-attr]
    assert ids(engine, date_from="2022-02") == ["hue-1"]


def _source_shown(engine: Engine) -> None:
    assert engine.article("hue-1").source == "Thanh Niên"  # type: ignore[union-attr]
    assert ids(engine, sources=("Thanh Niên",)) == ["hue-1"]


def _summary_searched(engine: Engine) -> None:
    assert engine.article("hue-1").summary == "Nhiều trường học ở Thừa Thiên cho học sinh nghỉ."  # type: ignore[union-attr]
    assert [h.id for h in engine.search(SearchRequest(query="trường học")).hits] == ["hue-1"]
    assert engine.search(SearchRequest(query="sông Hương")).total == 0


def _url_shown(engine: Engine) -> None:
    assert engine.article("hue-1").url == "https://example.org/hue-1-cap-nhat"  # type: ignore[union-attr]


@pytest.mark.parametrize(("key", "value", "check"), [
    ("date", "2022-02-07", _date_shown),
    ("source", "Thanh Niên", _source_shown),
    ("summary", "Nhiều trường học ở Thừa Thiên cho học sinh nghỉ.", _summary_searched),
    ("url", "https://example.org/hue-1-cap-nhat", _url_shown),
], ids=["date", "source", "summary", "url"])
def test_changing_one_field_of_a_json_lines_row_reindexes_it(tmp_path: Path, key: str, value: str,
                                                            check: Callable[[Engine], None]) -> None:
    export = tmp_path / "docs" / "export.jsonl"
    export.parent.mkdir()

    def write(row: dict[str, str]) -> None:
        export.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (row, OTHER)), encoding="utf-8")

    write(ROW)
    index_dir = tmp_path / "ix"
    assert reindexed(export.parent, index_dir).indexed == 2
    write({**ROW, key: value})
    report = reindexed(export.parent, index_dir)
    assert (report.indexed, report.updated, report.unchanged) == (0, 1, 1)
    with Engine(index_dir) as engine:
        check(engine)


def test_edited_alias_data_reindexes_the_articles_it_reads(tmp_path: Path) -> None:
    """An operator adds a name to search/data/orgs.tsv: the next plain `vnsearch index` reads
    every article again with it (the data files' digest is in each checksum), so the facet and
    the name marks follow without a --rebuild. The real CLI, run on a copy of the package whose
    data file was edited, over an index the unedited package built."""
    import os
    import shutil
    import subprocess
    import sys

    from tests.conftest import REPO

    docs = tmp_path / "docs"
    write_article(docs, "un.txt", "Tổng thư ký LHQ phát biểu\nTổng thư ký Liên Hiệp Quốc Antonio Guterres kêu gọi ngừng bắn.")
    write_article(docs, "gold.txt", MARKET)
    index_dir = tmp_path / "ix"
    assert reindexed(docs, index_dir).indexed == 2
    site = tmp_path / "site"
    shutil.copytree(REPO / "search", site / "search", ignore=shutil.ignore_patterns("__pycache__"))
    orgs = site / "search" / "data" / "orgs.tsv"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace("|Liên Hiệp Quốc|Liên hiệp quốc", ""), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "search.cli", "index", "--index", str(index_dir), str(docs)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(site)})
    assert run.returncode == 0, run.stderr
    assert "0 indexed, 2 updated, 0 unchanged" in run.stdout
    with Engine(index_dir) as engine:  # read by this (unedited) code: the edited data's facets are stored
        article = engine.article("un")
        assert article is not None and [(o.name, o.country) for o in article.officials] != [("Antonio Guterres", "UN")]
        assert engine.outdated_articles() == 2 and engine.stats()["outdated_articles"] == 2
    assert "were indexed by older code or with other alias data" in first_lines_of_serve(index_dir)[1]
    assert reindexed(docs, index_dir).updated == 2  # and back with the real data, again in full
    with Engine(index_dir) as engine:
        article = engine.article("un")
        assert article is not None and [(o.name, o.country) for o in article.officials] == [("Antonio Guterres", "UN")]
        assert engine.outdated_articles() == 0


def first_lines_of_serve(index_dir: Path) -> list[str]:
    """`vnsearch serve`'s first two lines on stderr (the address, then any warning)."""
    import socket
    import subprocess
    import sys

    from tests.conftest import REPO

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "search.cli", "serve", "--index", str(index_dir), "--port", str(port)],
                              stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert server.stderr is not None
        return [server.stderr.readline() for _ in range(2)]
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()  # type: ignore[union-attr]
