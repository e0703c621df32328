"""Readers and incremental indexing on real files, including bad ones."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from search.engine import Engine
from search.indexer import NothingToIndex, index_paths
from search.ingest.readers import RawArticle, Skipped, read_paths
from search.models import SearchRequest
from tests.conftest import CORPUS, write_article

GOOD = "Nga, Mỹ nhất trí tiếp tục đối thoại\nNgày 21/1, Bộ trưởng Ngoại giao Nga Sergei Lavrov gặp người đồng cấp Mỹ tại Geneva."


def test_ids_are_relative_paths_without_extension(tmp_path: Path) -> None:
    write_article(tmp_path, "a/b/tin-1.txt", GOOD)
    write_article(tmp_path, "c.md", GOOD)
    found = [r.id for r in read_paths([tmp_path]) if isinstance(r, RawArticle)]
    assert sorted(found) == ["a/b/tin-1", "c"]
    single = list(read_paths([CORPUS / "000_f5e902574d4b46d6.txt"]))
    assert isinstance(single[0], RawArticle) and single[0].id == "000_f5e902574d4b46d6"


def test_first_line_is_the_headline_and_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff".encode() + GOOD.encode())
    (raw,) = read_paths([path])
    assert isinstance(raw, RawArticle)
    assert raw.title == "Nga, Mỹ nhất trí tiếp tục đối thoại"
    assert raw.body.startswith("Ngày 21/1")


def test_upper_case_extensions_are_read_as_their_format(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "EXPORT.JSONL.GZ", "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "g", "title": "Tin", "body": "Hà Nội"}, ensure_ascii=False) + "\n")
    (tmp_path / "PLAIN.JSONL").write_text(json.dumps({"id": "p", "title": "Tin", "body": "Huế"}) + "\n", encoding="utf-8")
    found = list(read_paths([tmp_path])) + list(read_paths([tmp_path / "EXPORT.JSONL.GZ"]))
    assert sorted(r.id for r in found if isinstance(r, RawArticle)) == ["g", "g", "p"]


def test_utf16_text_and_unclosed_front_matter(tmp_path: Path) -> None:
    """Windows' "Unicode" text (UTF-16 with its BOM) is read (it was a "binary file"), and a
    front matter whose "---" never closes is not taken for the headline."""
    (tmp_path / "u16.txt").write_bytes(GOOD.encode("utf-16"))
    (tmp_path / "open.md").write_text("---\nNga, Mỹ nhất trí\nNội dung bài.", encoding="utf-8")
    found = {r.id: r for r in read_paths([tmp_path]) if isinstance(r, RawArticle)}
    assert found["u16"].title == "Nga, Mỹ nhất trí tiếp tục đối thoại" and found["u16"].body.startswith("Ngày 21/1")
    assert (found["open"].title, found["open"].body) == ("Nga, Mỹ nhất trí", "Nội dung bài.")


def test_unclosed_front_matter_keeps_its_pairs_and_the_headline_after_them(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("---\ndate: 2020-01-02\nsource: VOV\nNga, Mỹ nhất trí\nNội dung bài.", encoding="utf-8")
    [found] = [r for r in read_paths([tmp_path]) if isinstance(r, RawArticle)]
    assert (found.title, found.body, found.date, found.source) == ("Nga, Mỹ nhất trí", "Nội dung bài.", "2020-01-02", "VOV")


def test_file_names_become_nfc_ids(tmp_path: Path) -> None:
    """macOS writes file names decomposed: the id is the same text as the precomposed name."""
    import unicodedata
    write_article(tmp_path, unicodedata.normalize("NFD", "bài viết.txt"), GOOD)
    [found] = [r for r in read_paths([tmp_path]) if isinstance(r, RawArticle)]
    assert found.id == unicodedata.normalize("NFC", "bài viết")


def test_a_path_given_twice_or_inside_another_is_read_once(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_article(docs, "a.txt", GOOD)
    write_article(docs / "sub", "b.txt", "Tin khác\nThủ tướng phát biểu tại Hà Nội về kinh tế.")
    for paths in ([docs, docs], [docs, docs / "sub"], [docs / "sub", docs]):
        results = list(read_paths(paths))
        assert sorted(r.id for r in results if isinstance(r, RawArticle)) == ["a", "sub/b"], paths
        assert not [r for r in results if isinstance(r, Skipped)], paths


def test_a_json_field_of_the_wrong_shape_is_ignored(tmp_path: Path) -> None:
    line = {"id": "a7", "title": "Tin", "body": "Nội dung.", "source": ["VOV", "VTV"], "date": ["2017"], "url": {"x": 1}}
    (tmp_path / "e.jsonl").write_text(json.dumps(line, ensure_ascii=False), encoding="utf-8")
    [found] = [r for r in read_paths([tmp_path]) if isinstance(r, RawArticle)]
    assert (found.source, found.date, found.url) == (None, None, None)


def test_prune_removes_the_article_of_a_deleted_file_link(tmp_path: Path) -> None:
    """A linked file is where the link is: deleting the link takes it out of the archive (its
    target outside the folder made it look like another path's article, never pruned)."""
    archive, elsewhere = tmp_path / "archive", tmp_path / "elsewhere"
    write_article(archive, "a.txt", GOOD)
    target = write_article(elsewhere, "b.txt", "Tin khác\nThủ tướng phát biểu tại Hà Nội về kinh tế.")
    (archive / "b.txt").symlink_to(target)
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [archive])
    assert _ids(index_dir) == {"a", "b"}
    (archive / "b.txt").unlink()
    assert index_paths(index_dir, [archive], prune=True).removed == 1
    assert _ids(index_dir) == {"a"}


def test_front_matter_overrides(tmp_path: Path) -> None:
    write_article(tmp_path, "fm.md", "---\ntitle: Tiêu đề riêng\ndate: 2022-01-21\nsource: VnExpress\ncountries: RU, US\n---\n" + GOOD)
    (raw,) = read_paths([tmp_path])
    assert isinstance(raw, RawArticle)
    assert (raw.title, raw.date, raw.source, raw.countries) == ("Tiêu đề riêng", "2022-01-21", "VnExpress", ["RU", "US"])


def test_bad_files_are_reported_and_skipped(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_article(docs, "good.txt", GOOD)
    (docs / "latin1.txt").write_bytes("Tin tức\nCà phê".encode("cp1258", errors="replace") + b"\xff\xfe\xfa")
    (docs / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (docs / "empty.txt").write_bytes(b"")
    (docs / "blank.md").write_text("\n\n   \n", encoding="utf-8")
    (docs / "huge.txt").write_bytes(b"Tin\n" + b"a " * (3 * 1024 * 1024))
    lines = [json.dumps({"id": "j1", "title": "Tin JSON", "body": "Nội dung về Ukraine."}, ensure_ascii=False),
             "{not json", json.dumps({"id": "j2", "title": "Thiếu nội dung"}), "[1, 2]",
             json.dumps({"id": "j3", "title": "Tin thứ ba", "body": "Hà Nội"}, ensure_ascii=False)]
    (docs / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = index_paths(tmp_path / "ix", [docs])
    reasons = {Path(s.origin.split(":")[0]).name + (":" + s.origin.split(":")[1] if ":" in s.origin else ""): s.reason for s in report.skipped}
    assert "not valid UTF-8" in reasons["latin1.txt"]
    assert reasons["binary.txt"] == "binary file"
    assert reasons["empty.txt"] == "empty file" and reasons["blank.md"] == "empty file"
    assert "too large" in reasons["huge.txt"]
    assert "malformed JSON" in reasons["export.jsonl:2"]
    assert "missing required field" in reasons["export.jsonl:3"]
    assert "not a JSON object" in reasons["export.jsonl:4"]
    assert report.indexed == 3  # good, j1, j3
    with Engine(tmp_path / "ix") as engine:
        assert engine.searcher().doc_count() == 3


def test_reindex_skips_unchanged_and_updates_changed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_article(docs, "a.txt", GOOD)
    write_article(docs, "b.txt", "Tin khác\nThủ tướng phát biểu tại Hà Nội.")
    first = index_paths(tmp_path / "ix", [docs])
    assert (first.indexed, first.updated, first.unchanged) == (2, 0, 0)
    again = index_paths(tmp_path / "ix", [docs])
    assert (again.indexed, again.updated, again.unchanged) == (0, 0, 2)
    write_article(docs, "b.txt", "Tin khác đã sửa\nChủ tịch nước phát biểu tại Huế.")
    changed = index_paths(tmp_path / "ix", [docs])
    assert (changed.indexed, changed.updated, changed.unchanged) == (0, 1, 1)
    with Engine(tmp_path / "ix") as engine:
        assert engine.searcher().doc_count() == 2
        assert [h.id for h in engine.search(SearchRequest(query="Huế")).hits] == ["b"]
        assert engine.search(SearchRequest(query="Thủ tướng")).total == 0
    rebuilt = index_paths(tmp_path / "ix", [docs], rebuild=True)
    assert rebuilt.indexed == 2


def _ids(index_dir: Path, query: str = "") -> set[str]:
    with Engine(index_dir) as engine:
        return {h.id for h in engine.search(SearchRequest(query=query, per_page=100)).hits}


def test_prune_removes_what_the_archive_no_longer_holds(tmp_path: Path) -> None:
    """A deleted file or JSON line stays indexed on a plain re-run (another run may have indexed
    other paths into the same index); with --prune the index mirrors the paths."""
    docs = tmp_path / "docs"
    write_article(docs, "a.txt", GOOD)
    write_article(docs, "b.txt", "Tin khác\nThủ tướng phát biểu tại Hà Nội về kinh tế.")
    rows = [{"id": "j1", "title": "Tin Huế", "body": "Lễ hội ở Huế thu hút du khách."},
            {"id": "j2", "title": "Tin Đà Nẵng", "body": "Đà Nẵng đón khách quốc tế."}]
    (docs / "export.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [docs])
    (docs / "b.txt").unlink()
    (docs / "export.jsonl").write_text(json.dumps(rows[0], ensure_ascii=False), encoding="utf-8")
    plain = index_paths(index_dir, [docs])
    assert (plain.removed, plain.unchanged) == (0, 2) and "removed" not in plain.summary()
    assert _ids(index_dir) == {"a", "b", "j1", "j2"}
    pruned = index_paths(index_dir, [docs], prune=True)
    assert (pruned.removed, pruned.unchanged, pruned.kept) == (2, 2, 0)
    assert pruned.summary() == "0 indexed, 0 updated, 2 unchanged, 2 removed, 0 skipped"
    assert _ids(index_dir) == {"a", "j1"}
    assert _ids(index_dir, "thủ tướng") == set() and _ids(index_dir, "Đà Nẵng") == set()
    assert _ids(index_dir, "Huế") == {"j1"}
    again = index_paths(index_dir, [docs], prune=True)
    assert (again.removed, again.unchanged) == (0, 2)


def test_an_article_moved_unchanged_to_another_path_is_not_pruned_with_its_old_one(tmp_path: Path) -> None:
    """Its origin follows it (the article is written again, unchanged as it is), so pruning the
    folder it left keeps it; and a folder reached through a link is that folder."""
    docs, export = tmp_path / "docs", tmp_path / "export"
    write_article(docs, "a.txt", GOOD)
    write_article(docs, "b.txt", "Tin khác\nThủ tướng phát biểu tại Hà Nội về kinh tế.")
    export.mkdir()
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [docs, export])
    (docs / "b.txt").rename(export / "b.txt")
    moved = index_paths(index_dir, [export])
    assert (moved.updated, moved.unchanged) == (1, 0)
    assert index_paths(index_dir, [docs], prune=True).removed == 0 and _ids(index_dir) == {"a", "b"}
    (tmp_path / "link").symlink_to(export)
    (export / "b.txt").unlink()
    assert index_paths(index_dir, [tmp_path / "link"], prune=True).kept == 1  # the link holds nothing now
    write_article(export, "c.txt", "Tin mới\nLễ hội ở Huế thu hút du khách.")
    through_link = index_paths(index_dir, [tmp_path / "link"], prune=True)
    assert (through_link.indexed, through_link.removed) == (1, 1) and _ids(index_dir) == {"a", "c"}


def test_prune_keeps_what_it_cannot_see(tmp_path: Path) -> None:
    """A file that became unreadable may be one of the articles the paths "no longer hold":
    nothing indexed is lost to bad input. Nor is the index emptied by a path holding nothing."""
    docs = tmp_path / "docs"
    write_article(docs, "a.txt", GOOD)
    write_article(docs, "b.txt", "Tin khác\nThủ tướng phát biểu tại Hà Nội về kinh tế.")
    write_article(docs, "c.txt", "Tin thứ ba\nLễ hội ở Huế thu hút du khách.")
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [docs])
    (docs / "b.txt").write_bytes(b"Tin kh\xe1c\n\xff\xfe broken")
    (docs / "c.txt").unlink()
    (docs / "notes.pdf").write_bytes(b"%PDF-1.4")  # never indexable: no reason to keep anything
    kept = index_paths(index_dir, [docs], prune=True)
    assert (kept.removed, kept.kept) == (0, 2) and "could not be read" in kept.kept_because
    assert _ids(index_dir) == {"a", "b", "c"}
    (docs / "b.txt").unlink()
    pruned = index_paths(index_dir, [docs], prune=True)
    assert (pruned.removed, pruned.kept) == (2, 0)
    assert _ids(index_dir) == {"a"}
    (docs / "a.txt").unlink()
    (docs / "notes.pdf").unlink()
    nothing = index_paths(index_dir, [docs], prune=True)
    assert (nothing.removed, nothing.kept, nothing.kept_because) == (0, 1, "the paths hold no articles")
    assert _ids(index_dir) == {"a"}


def test_prune_removes_only_what_came_from_the_paths_it_is_given(tmp_path: Path) -> None:
    """`make run` prunes corpus/ in an index that may also hold an export indexed from elsewhere:
    that export's articles are not "no longer in the paths", they were never from them."""
    docs = tmp_path / "docs"
    write_article(docs, "a.txt", GOOD)
    write_article(docs, "b.txt", "Tin khác\nThủ tướng phát biểu tại Hà Nội về kinh tế.")
    export = tmp_path / "export.jsonl"
    export.write_text(json.dumps({"id": "j1", "title": "Tin Huế", "body": "Lễ hội ở Huế."}, ensure_ascii=False), encoding="utf-8")
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [docs, export])
    (docs / "b.txt").unlink()
    pruned = index_paths(index_dir, [docs], prune=True)
    assert pruned.removed == 1 and _ids(index_dir) == {"a", "j1"}
    export.write_text("", encoding="utf-8")  # emptied: a mistake more likely than an archive emptied on purpose
    assert index_paths(index_dir, [export], prune=True).kept == 1 and _ids(index_dir) == {"a", "j1"}


def test_a_rebuild_from_paths_without_articles_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    """As --prune refuses to empty an index from paths that hold nothing, so does --rebuild."""
    docs = tmp_path / "docs"
    write_article(docs, "a.txt", GOOD)
    index_paths(tmp_path / "ix", [docs])
    (tmp_path / "empty").mkdir()
    with pytest.raises(NothingToIndex, match="would empty the index"):
        index_paths(tmp_path / "ix", [tmp_path / "empty"], rebuild=True)
    assert _ids(tmp_path / "ix") == {"a"}
    assert index_paths(tmp_path / "fresh", [tmp_path / "empty"], rebuild=True).indexed == 0  # nothing to keep


def test_prune_with_worker_processes(tmp_path: Path, baomoi_path: Path) -> None:
    """The multi-process writer removes as the in-process one does, in the same run as it adds."""
    lines = []
    with gzip.open(baomoi_path, "rt", encoding="utf-8") as f:
        for line in f:
            lines.append(line)
            if len(lines) == 170:
                break
    export = tmp_path / "export.jsonl"
    export.write_text("".join(lines[:100]), encoding="utf-8")
    index_dir = tmp_path / "ix"
    assert index_paths(index_dir, [export], procs=2).indexed == 100
    export.write_text("".join(lines[50:170]), encoding="utf-8")  # 70 new ones: worker processes again
    report = index_paths(index_dir, [export], procs=2, prune=True)
    assert (report.indexed, report.unchanged, report.removed) == (70, 50, 50)
    wanted = {json.loads(line)["id"] for line in lines[50:170]}
    with Engine(index_dir) as engine:
        assert engine.doc_count() == 120
        found = engine.search(SearchRequest(query="", per_page=100)).hits + engine.search(SearchRequest(query="", per_page=100, page=2)).hits
        assert {h.id for h in found} == wanted
        gone = json.loads(lines[0])
        assert gone["id"] not in {h.id for h in engine.search(SearchRequest(query=gone["title"], per_page=100)).hits}


def test_duplicate_ids_in_one_run_are_skipped(tmp_path: Path) -> None:
    rows = [{"id": "x", "title": "Một", "body": "Hà Nội"}, {"id": "x", "title": "Hai", "body": "Huế"}]
    path = tmp_path / "d.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    report = index_paths(tmp_path / "ix", [path])
    assert report.indexed == 1 and "duplicate id" in report.skipped[0].reason


def test_jsonl_fields_are_kept(tmp_path: Path) -> None:
    row = {"id": "vn-1", "title": "Tin", "body": "Bộ trưởng Ngoại giao Nga Sergei Lavrov phát biểu.", "date": "2022-01-21",
           "source": "TASS", "url": "https://example.org/a", "summary": "Tóm tắt"}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    index_paths(tmp_path / "ix", [path])
    with Engine(tmp_path / "ix") as engine:
        article = engine.article("vn-1")
    assert article is not None
    assert (article.date, article.source, article.url, article.summary) == ("2022-01-21", "TASS", "https://example.org/a", "Tóm tắt")


def test_missing_path_is_reported() -> None:
    assert isinstance(next(iter(read_paths([Path("/nonexistent/x")]))), Skipped)


def test_rebuild_replaces_the_index_only_when_complete(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_article(docs, "a.txt", GOOD)
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [docs])
    (index_dir / "README.md").write_text("kept", encoding="utf-8")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x", "title": "Tin", "body": "Hà Nội"}\n', encoding="utf-8")

    class Boom(Exception):
        pass

    def explode() -> None:
        raise Boom

    with pytest.raises(Boom):  # a rebuild that dies half-way leaves the old index as it was
        index_paths(index_dir, [broken], rebuild=True, progress=explode)
    with Engine(index_dir) as engine:
        assert [h.id for h in engine.search(SearchRequest(query="Lavrov")).hits] == ["a"]
    assert index_paths(index_dir, [broken], rebuild=True).indexed == 1
    with Engine(index_dir) as engine:
        assert engine.searcher().doc_count() == 1 and engine.article("x") is not None
    assert (index_dir / "README.md").read_text(encoding="utf-8") == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.jsonl", "docs", "ix"]


def test_a_rebuild_keeps_no_file_of_the_old_generations(tmp_path: Path) -> None:
    """Columns, vocabulary and hot postings belong to one generation: a rebuilt index (which
    starts again at generation 1) holds only its own, not the old index's."""
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [CORPUS])
    extra = tmp_path / "extra"
    write_article(extra, "b.txt", GOOD)
    index_paths(index_dir, [extra])  # generation 2
    assert list(index_dir.glob("hotpostings-2.npy"))
    index_paths(index_dir, [CORPUS], rebuild=True)
    derived = sorted(p.name for p in index_dir.iterdir() if re.match(r"^[a-z]+-\d+\.", p.name))
    assert derived == ["columns-1.npz", "hotpostings-1.npy", "hotterms-1.json", "vocabulary-1.json"]


def test_an_unchanged_rerun_restores_missing_or_outdated_server_files(tmp_path: Path) -> None:
    """A re-run with nothing to index still writes the files servers start from when they are
    missing or in an older format (a vocabulary without term weights), and leaves the index."""
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [CORPUS])
    vocabulary = next(index_dir.glob("vocabulary-*.json"))
    saved = json.loads(vocabulary.read_text(encoding="utf-8"))
    del saved["frequency"]
    vocabulary.write_text(json.dumps(saved), encoding="utf-8")
    next(index_dir.glob("hotterms-*.json")).unlink()
    before = sorted(p.name for p in index_dir.glob("*.seg"))
    report = index_paths(index_dir, [CORPUS])
    assert (report.indexed, report.updated, report.unchanged) == (0, 0, 5)
    assert "frequency" in json.loads(vocabulary.read_text(encoding="utf-8"))
    assert list(index_dir.glob("hotterms-*.json")) and sorted(p.name for p in index_dir.glob("*.seg")) == before
    with Engine(index_dir) as engine:
        assert engine.arrays().hot is not None and engine.search(SearchRequest(query="Lavrov")).total > 0
    # the first format's file: it restored words that are commoner written without diacritics
    saved = json.loads(vocabulary.read_text(encoding="utf-8"))
    del saved["format"]
    vocabulary.write_text(json.dumps(saved), encoding="utf-8")
    index_paths(index_dir, [CORPUS])
    assert json.loads(vocabulary.read_text(encoding="utf-8"))["format"] == 2


def test_corpus_holds_the_sample_archive_unchanged() -> None:
    shared = CORPUS.parent.parent / "shared" / "archive"
    if not shared.is_dir():
        pytest.skip(f"the shared sample archive is not at {shared} (a fresh clone has only corpus/)")
    originals = sorted(shared.glob("*.txt"))
    assert [p.name for p in originals] == sorted(p.name for p in CORPUS.glob("*.txt"))
    for original in originals:
        assert (CORPUS / original.name).read_bytes() == original.read_bytes()


def test_indexers_creating_one_index_at_once_all_get_it(tmp_path: Path) -> None:
    """Two `vnsearch index` runs on a folder with no index yet both create it: Whoosh lets only
    one table of contents win (the other's rename raises); the other must open the winner's."""
    from concurrent.futures import ThreadPoolExecutor

    from search.index_store import index_exists, open_or_create

    for attempt in range(6):
        folder = tmp_path / f"ix{attempt}"
        with ThreadPoolExecutor(8) as pool:
            indexes = list(pool.map(lambda _: open_or_create(folder), range(8)))
        assert index_exists(folder) and all(ix.doc_count_all() == 0 for ix in indexes)


def test_prune_on_an_index_from_before_origins_keeps_what_it_cannot_place(tmp_path: Path) -> None:
    """An index built before articles kept their file has no `origin` field: a pruning run must
    neither fail nor remove what it cannot place; it writes the articles it reads again, once,
    to record their files."""
    from whoosh.filedb.filestore import FileStorage

    from search.index_store import INDEX_NAME
    from search.indexer import checksum, to_document
    from search.metadata import extract
    from search.schema import build_schema

    docs = tmp_path / "docs"
    docs.mkdir()
    for source in sorted(CORPUS.glob("*.txt")):
        (docs / source.name).write_bytes(source.read_bytes())
    old_schema = build_schema()
    old_schema.remove("origin")
    ix = FileStorage(str(tmp_path / "ix")).create().create_index(old_schema, indexname=INDEX_NAME)
    with ix.writer() as writer:
        for raw in read_paths([docs]):
            assert not isinstance(raw, Skipped)
            writer.add_document(**{k: v for k, v in to_document(extract(raw), checksum(raw)).items() if k in old_schema})
    next(docs.glob("*.txt")).unlink()
    report = index_paths(tmp_path / "ix", [docs], prune=True)
    assert (report.removed, report.updated) == (0, 4)  # written again, to record where they are
    assert len(_ids(tmp_path / "ix")) == 5
    assert index_paths(tmp_path / "ix", [docs], prune=True).unchanged == 4  # once


def test_an_index_from_before_the_name_marks_gains_them_and_finds_the_same(tmp_path: Path) -> None:
    """An index built before the name-marks fields existed: the next run adds the fields, marks
    the articles it indexes, and phrase-checks the older ones through positions as before, so
    name queries find what a fresh index of the same articles finds."""
    from whoosh.filedb.filestore import FileStorage

    from search.index_store import INDEX_NAME
    from search.indexer import checksum, to_document
    from search.metadata import extract
    from search.schema import NAMES_FIELD_OF, build_schema

    old_schema = build_schema()
    for name in NAMES_FIELD_OF.values():
        old_schema.remove(name)
    old = FileStorage(str(tmp_path / "old")).create()
    ix = old.create_index(old_schema, indexname=INDEX_NAME)
    with ix.writer() as writer:
        for raw in read_paths([CORPUS]):
            assert not isinstance(raw, Skipped)
            writer.add_document(**{k: v for k, v in to_document(extract(raw), checksum(raw)).items() if k in old_schema})
    new = write_article(tmp_path / "new", "han.txt", "Hàn Quốc và Trung Quốc họp\n\nHàn Quốc, Trung Quốc và Hoa Kỳ "
                        "bàn về Triều Tiên tại Liên Hợp Quốc.")
    report = index_paths(tmp_path / "old", [CORPUS, new])
    assert (report.indexed, report.unchanged, report.unmarked) == (1, 5, 5)
    assert index_paths(tmp_path / "fresh", [CORPUS, new]).unmarked == 0
    with Engine(tmp_path / "old") as upgraded, Engine(tmp_path / "fresh") as fresh:
        checked, found = upgraded.arrays().phrase_checks("body_syl", ("hàn", "quốc"))
        assert checked.sum() == 1 and found.sum() == 1  # only the new article carries marks
        for query in ["Hàn Quốc", "trung quoc", "Hoa Kỳ", "Liên Hợp Quốc", '"Trung Quốc"', "title:Hàn Quốc"]:
            ours, theirs = upgraded.search(SearchRequest(query=query)), fresh.search(SearchRequest(query=query))
            assert ours.total == theirs.total > 0, query
            assert {h.id for h in ours.hits} == {h.id for h in theirs.hits}, query
    assert index_paths(tmp_path / "old", [CORPUS, new], rebuild=True).unmarked == 0


def test_cancelling_a_writer_whose_commit_ended_it_keeps_the_error_visible(tmp_path: Path) -> None:
    """A plain writer closes itself when its commit fails (a full disk); the indexer's error
    path cancels it again, and Whoosh's "This writer is closed" then replaced the real error
    (a traceback where the user should read "cannot write the index ...: No space left")."""
    from whoosh.writing import IndexingError

    from search.index_store import create_index
    from search.writers import cancel, open_writer

    writer = open_writer(create_index(tmp_path / "ix"), procs=1)
    writer.commit()  # closed, as a failed commit leaves it
    with pytest.raises(IndexingError):
        writer.cancel()
    cancel(writer)  # the indexer's way: nothing raised


def test_an_index_from_before_the_clause_breaks_gets_them(tmp_path: Path) -> None:
    """An index built when the syllable fields cut at every syllable alike (Whoosh's
    RegexTokenizer, pickled in its table of contents) takes the clause-breaking tokenizer at the
    next run, and the articles that run indexes no longer join "Khánh Hòa. Phát biểu"."""
    from whoosh.analysis import RegexTokenizer
    from whoosh.fields import TEXT

    from search.analysis.filters import VietnameseFormsFilter
    from search.analysis.normalize import SYLLABLE
    from search.analysis.tokenizers import SyllableTokenizer
    from search.index_store import create_index, open_index

    ix = create_index(tmp_path / "ix")
    writer = ix.writer()
    for name in ("title_syl", "body_syl"):
        writer.remove_field(name)
        writer.add_field(name, TEXT(analyzer=RegexTokenizer(SYLLABLE.pattern) | VietnameseFormsFilter()))
    writer.commit()
    assert not isinstance(open_index(tmp_path / "ix").schema["body_syl"].analyzer[0], SyllableTokenizer)
    docs = tmp_path / "docs"
    write_article(docs, "khanhhoa.txt", "Lễ hội ở Nha Trang\nPhó Chủ tịch tỉnh Khánh Hòa. Phát biểu khai mạc lễ hội.")
    write_article(docs, "hoaphat.txt", "Thép Hòa Phát\nTập đoàn Hòa Phát báo lãi kỷ lục.")
    index_paths(tmp_path / "ix", [docs])
    assert isinstance(open_index(tmp_path / "ix").schema["body_syl"].analyzer[0], SyllableTokenizer)
    with Engine(tmp_path / "ix") as engine:
        assert [h.id for h in engine.search(SearchRequest(query='"Hòa Phát"')).hits] == ["hoaphat"]
