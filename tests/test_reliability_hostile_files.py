"""Hostile files through the real CLI: each bad file or line is reported and skipped, the rest indexed.

`vnsearch index` must finish, name every skipped file (and line, for JSON Lines) with a reason,
index everything else exactly once, and exit with 3 so scripts know something was skipped.
Big files are generated in tmp_path at test time.
"""
from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from search.engine import Engine
from search.ingest.readers import MAX_FILE_BYTES, MAX_LINE_BYTES
from search.models import SearchRequest
from tests.conftest import CORPUS, REPO

EXIT_SKIPPED = 3
MB = 1024 * 1024
ARTICLE = (CORPUS / "001_4ce8738a79631aa8.txt").read_text(encoding="utf-8")
PARAGRAPH = "Bộ trưởng Ngoại giao Nga Sergei Lavrov gặp người đồng cấp Mỹ tại Geneva để đàm phán về an ninh châu Âu. "


def run_cli(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "search.cli", *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


def fill(path: Path, size: int, chunk: str = PARAGRAPH) -> Path:
    """A file of real Vietnamese text of exactly `size` bytes, written without holding it in memory."""
    block = (chunk * (MB // len(chunk.encode()) + 1)).encode()[:MB]
    block = block[: len(block.decode("utf-8", "ignore").encode())]  # whole characters only
    with path.open("wb") as out:
        out.write("Tin rất dài\n".encode())
        while out.tell() + len(block) <= size:
            out.write(block)
        out.write(b"a" * (size - out.tell()))
    assert path.stat().st_size == size
    return path


def jline(**fields: object) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode() + b"\n"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str], dict[str, str]]:
    """A folder mixing good and hostile files; returns it, the ids that must be indexed, and
    for every origin that must be skipped a word its reason must contain."""
    root = tmp_path_factory.mktemp("hostile-archive")
    good: set[str] = set()
    bad: dict[str, str] = {}

    (root / "tot.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "tot-bom.md").write_bytes("\ufeff".encode() + ARTICLE.encode())
    (root / "sub" / "crlf.txt").write_bytes(ARTICLE.replace("\n", "\r\n").encode())
    good |= {"tot", "sub/tot-bom", "sub/crlf"}

    (root / "latin1.txt").write_bytes("Tin tức\nCà phê sữa đá".encode("cp1258", errors="replace") + b"\xff\xfe")
    bad["latin1.txt"] = "UTF-8"
    (root / "truncated-utf8.txt").write_bytes(ARTICLE.encode()[:-1] + "ệ".encode()[:2])
    bad["truncated-utf8.txt"] = "UTF-8"
    (root / "anh.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4096))
    bad["anh.txt"] = "binary"
    (root / "rong.txt").write_bytes(b"")
    bad["rong.txt"] = "empty"
    (root / "trang.md").write_text("\n \t\n\u00a0\n", encoding="utf-8")
    bad["trang.md"] = "empty"
    fill(root / "lon-5mb.txt", MAX_FILE_BYTES + 1)
    bad["lon-5mb.txt"] = "too large"
    fill(root / "lon-50mb.txt", 50 * MB)
    bad["lon-50mb.txt"] = "too large"
    os.symlink(root, root / "sub" / "vong-lap")  # a symlink loop must not send the walk round forever
    bad["sub/vong-lap"] = "loop"  # and is reported: each real folder is read once

    lines = [
        jline(id="j-1", title="Nga và Mỹ đối thoại", body=PARAGRAPH),
        b"{\"id\": \"j-2\", \"title\": \"Thi\xe1\xba\xbfu ngo\xe1\xba\xb7c\", \"body\": \"m\xe1\xbb\x99t\"\n",
        b"\n",
        b"   \n",
        jline(id="j-3", title="Thiếu nội dung"),
        b"[1, 2, 3]\n",
        b"\"chu\xe1\xbb\x97i\"\n",
        b"{\"id\": \"j-4\", \"title\": \"L\xe1\xbb\x97i m\xc3\xa3\", \"body\": \"\xff\xfe h\xe1\xbb\x8fng\"}\n",
        jline(id="j-5", title=None, body="Không có tiêu đề"),
        jline(id="j-6", title="Tin có tiêu đề", body="Ngày 21/1, Ngoại trưởng Antony Blinken gặp ông Lavrov."),
        jline(id="j-1", title="Trùng mã", body="Một bài khác có cùng mã."),
        b"{\"id\": \"j-7\", \"title\": \"\\ud800 l\xe1\xbb\x97i\", \"body\": \"surrogate \\udfff m\xe1\xbb\x93 c\xc3\xb4i\"}\n",
        jline(id="j-8", title="Tin cuối", body=PARAGRAPH * 3)[:-1],  # last line without a newline
    ]
    (root / "export.jsonl").write_bytes(b"".join(lines))
    good |= {"j-1", "j-6", "j-7", "j-8"}
    bad |= {"export.jsonl:2": "malformed JSON", "export.jsonl:5": "missing required", "export.jsonl:6": "not a JSON object",
            "export.jsonl:7": "not a JSON object", "export.jsonl:8": "UTF-8", "export.jsonl:9": "missing required",
            "export.jsonl:11": "duplicate id"}

    with (root / "lon.jsonl").open("wb") as out:
        out.write(jline(id="lon-1", title="Tin trước dòng khổng lồ", body=PARAGRAPH))
        out.write(b'{"id": "lon-2", "title": "Giant", "body": "' + b"a" * (MAX_LINE_BYTES + 10) + b'"}\n')
        out.write(jline(id="lon-3", title="Tin sau dòng khổng lồ", body=PARAGRAPH))
    good |= {"lon-1", "lon-3"}
    bad["lon.jsonl:2"] = "too large"

    packed = gzip.compress(b"".join(jline(id=f"gz-{n}", title=f"Tin nén {n}", body=PARAGRAPH * 20) for n in range(40)))
    (root / "cut.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    bad["cut.jsonl.gz"] = "corrupt or truncated"
    (root / "not-gzip.jsonl.gz").write_bytes(b"this is not gzip at all\n")
    bad["not-gzip.jsonl.gz"] = "corrupt"
    (root / "ghi-chu.pdf").write_bytes(b"%PDF-1.4 not an article")  # not an archive format: not read at all
    return root, good, bad


def indexed_ids(index_dir: Path) -> list[str]:
    engine = Engine(index_dir)
    try:
        result = engine.search(SearchRequest(per_page=100))
        assert result.total <= 100
        return sorted(h.id for h in result.hits)
    finally:
        engine.close()


def skipped_lines(stderr: str, root: Path) -> dict[str, str]:
    """'skipped <origin>: <reason>' lines, keyed by origin relative to the archive."""
    out: dict[str, str] = {}
    for line in stderr.splitlines():
        assert line.startswith("skipped "), f"unexpected output on stderr: {line!r}"
        origin, _, reason = line.removeprefix("skipped ").partition(": ")
        out[Path(origin).relative_to(root).as_posix()] = reason
    return out


def test_bad_files_and_lines_are_reported_skipped_and_the_rest_indexed(
    archive: tuple[Path, set[str], dict[str, str]], tmp_path: Path
) -> None:
    root, good, bad = archive
    result = run_cli("index", "--index", tmp_path / "ix", root)
    assert result.returncode == EXIT_SKIPPED, result.stderr
    assert "Traceback" not in result.stderr
    reported = skipped_lines(result.stderr, root)
    gz_cut = [o for o in reported if o.startswith("cut.jsonl.gz")]
    assert len(gz_cut) == 1 and "corrupt or truncated" in reported[gz_cut[0]]
    good |= {f"gz-{n}" for n in range(40)} & set(indexed_ids(tmp_path / "ix"))  # what came before the cut
    for origin, word in bad.items():
        key = next((o for o in reported if o == origin or (origin.endswith(".gz") and o.startswith(origin))), None)
        assert key is not None, f"{origin} was not reported; reported: {sorted(reported)}"
        assert word.lower() in reported[key].lower(), (origin, reported[key])
    assert len(reported) == len(bad), sorted(set(reported) - set(bad))
    assert indexed_ids(tmp_path / "ix") == sorted(good)
    assert result.stdout.strip() == f"{len(good)} indexed, 0 updated, 0 unchanged, {len(bad)} skipped"

    again = run_cli("index", "--index", tmp_path / "ix", root)
    assert again.returncode == EXIT_SKIPPED
    assert skipped_lines(again.stderr, root) == reported
    assert again.stdout.strip() == f"0 indexed, 0 updated, {len(good)} unchanged, {len(bad)} skipped"
    assert indexed_ids(tmp_path / "ix") == sorted(good)


def test_a_single_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = fill(tmp_path / "khong-lo.txt", 50 * MB)
    result = run_cli("index", "--index", tmp_path / "ix", huge, CORPUS)
    assert result.returncode == EXIT_SKIPPED
    assert result.stderr.strip() == f"skipped {huge}: file too large (50 MB, limit 5 MB)"
    assert result.stdout.strip() == "5 indexed, 0 updated, 0 unchanged, 1 skipped"


def test_a_file_just_under_the_limit_is_indexed(tmp_path: Path) -> None:
    """The limit is a limit, not a guess: a long (1 MB) real article is indexed and found."""
    (tmp_path / "docs").mkdir()
    fill(tmp_path / "docs" / "dai.txt", MB)
    result = run_cli("index", "--index", tmp_path / "ix", tmp_path / "docs")
    assert result.returncode == 0, result.stderr
    assert indexed_ids(tmp_path / "ix") == ["dai"]


def test_a_file_of_one_long_line_gets_its_opening_words_as_title(tmp_path: Path) -> None:
    """A 3 MB first line with no blank line after it was a 3 MB title, repeated on every results
    page that showed it (10.8 MB for one search): the title is its opening words, and the body
    keeps the whole line, so the article is still found by any of its words."""
    from search.ingest.readers import MAX_TITLE_CHARS, parse_text_article

    line = (PARAGRAPH * 3000).strip() + " Cuối cùng là Kazakhstan."
    read = parse_text_article(line, "dai", "docs/dai.txt")
    assert len(read.title) <= MAX_TITLE_CHARS + 1 and read.title.endswith("…")
    assert read.title.startswith("Bộ trưởng Ngoại giao Nga Sergei Lavrov") and read.body == line
    headline = parse_text_article("Nga và Mỹ đối thoại\n" + PARAGRAPH, "a", "a.txt")
    assert (headline.title, headline.body) == ("Nga và Mỹ đối thoại", PARAGRAPH.strip())  # a real headline stays
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "dai.txt").write_text(line, encoding="utf-8")
    assert run_cli("index", "--index", tmp_path / "ix", tmp_path / "docs").returncode == 0
    with Engine(tmp_path / "ix") as engine:
        hit = engine.search(SearchRequest(query="Kazakhstan")).hits[0]
        assert hit.id == "dai" and len(hit.title) <= MAX_TITLE_CHARS + 1


def test_only_bad_input_still_exits_3_and_leaves_a_usable_index(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "rong.txt").write_bytes(b"")
    (tmp_path / "docs" / "hong.jsonl").write_bytes(b"{oops\n")
    result = run_cli("index", "--index", tmp_path / "ix", tmp_path / "docs")
    assert result.returncode == EXIT_SKIPPED and "Traceback" not in result.stderr
    assert indexed_ids(tmp_path / "ix") == []
    search = run_cli("search", "--index", tmp_path / "ix", "--json", "đàm phán")
    assert search.returncode == 0 and json.loads(search.stdout)["total"] == 0


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions hold: root reads any folder, so the test
    drops the two capabilities that let it (util-linux's setpriv); nothing for other users."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}"]


def test_what_a_folder_hides_is_reported_and_pruning_keeps_its_articles(tmp_path: Path) -> None:
    """An unreadable subfolder, a link to a missing file and a folder link loop are each
    reported (they were passed over in silence, and --prune removed the subfolder's articles)."""
    arch, ix = tmp_path / "arch", tmp_path / "ix"
    for name, source in (("sub1/a.txt", "000"), ("sub1/b.txt", "001"), ("sub2/c.txt", "002")):
        (arch / name).parent.mkdir(parents=True, exist_ok=True)
        (arch / name).write_bytes(next(CORPUS.glob(f"{source}_*.txt")).read_bytes())
    assert run_cli("index", "--index", ix, arch).returncode == 0
    (arch / "links").mkdir()
    (arch / "links" / "gone.txt").symlink_to(tmp_path / "moved-away.txt")
    (arch / "links" / "loop").symlink_to(arch)
    (arch / "sub2").chmod(0)
    try:
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        result = subprocess.run([*_without_root_powers(), sys.executable, "-m", "search.cli", "index", "--index", str(ix),
                                 "--prune", str(arch)], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    finally:
        (arch / "sub2").chmod(0o755)
    assert result.returncode == EXIT_SKIPPED, result.stderr
    assert result.stdout.strip() == "0 indexed, 0 updated, 2 unchanged, 0 removed, 3 skipped"
    lines = result.stderr.splitlines()
    assert f"skipped {arch / 'sub2'}: cannot read folder: Permission denied" in lines
    assert f"skipped {arch / 'links' / 'gone.txt'}: link to a missing file" in lines
    assert any(line.startswith(f"skipped {arch / 'links' / 'loop'}: folder link loop") for line in lines)
    assert len(indexed_ids(ix)) == 3


def test_characters_no_text_can_hold_never_stop_a_run(tmp_path: Path) -> None:
    """A JSON string with a lone surrogate (valid JSON, not valid text) in any field, and a file
    name that is not UTF-8: the article is indexed with the character replaced, the rest too;
    this used to end the run with a traceback and index nothing."""
    arch = tmp_path / "arch"
    arch.mkdir()
    (arch / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    (arch / os.fsdecode(b"b\xe0i.txt")).write_text(ARTICLE.replace("Nga", "Pháp"), encoding="utf-8")
    (arch / "s.jsonl").write_text(
        json.dumps({"id": "x\ud800", "title": "Tin", "body": "Hà Nội đón khách.", "source": "b\udc00o",
                    "date": "2017\ud800", "countries": ["V\ud800N"], "officials": ["\udc00"]}) + "\n"
        + json.dumps({"id": "y", "title": "Tin khác", "body": "Huế đón khách."}) + "\n", encoding="utf-8")
    result = run_cli("index", "--index", tmp_path / "ix", arch)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "4 indexed, 0 updated, 0 unchanged, 0 skipped"
    assert "Traceback" not in result.stderr


def test_a_gzip_corrupt_in_the_middle_keeps_what_it_read_and_the_other_files(tmp_path: Path) -> None:
    """zlib's own error (not a truncation) inside a .jsonl.gz: what it read before and every other
    file are indexed, the rest of it is reported (it stopped the whole run)."""
    arch = tmp_path / "arch"
    arch.mkdir()
    data = b"".join(jline(id=f"g{i}", title=f"Tin {i}", body=f"Hà Nội đón đoàn khách thứ {i}.") for i in range(3000))
    packed = next(p for p in map(lambda seed: _garbled(gzip.compress(data), seed), range(100)) if _raises_zlib_error(p))
    (arch / "broken.jsonl.gz").write_bytes(packed)
    (arch / "good.jsonl").write_bytes(jline(id="ok", title="Tin tốt", body="Huế đón khách."))
    result = run_cli("index", "--index", tmp_path / "ix", arch)
    assert result.returncode == EXIT_SKIPPED, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"skipped {arch / 'broken.jsonl.gz'}:") and "corrupt or truncated" in line
    indexed = int(result.stdout.split()[0])
    assert 1 <= indexed < 3001 and "ok" in indexed_ids_of(tmp_path / "ix", "Huế")


def test_a_line_over_the_limit_is_skipped_and_the_next_one_read(tmp_path: Path) -> None:
    """The line is read past in pieces, never held whole (a 400 MB line took 840 MB of memory)."""
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as out:
        out.write(b'{"id": "big", "title": "Tin", "body": "')
        for _ in range(MAX_LINE_BYTES // MB + 2):
            out.write(b"a" * MB)
        out.write(b'"}\n' + jline(id="after", title="Tin sau", body="Hà Nội đón khách."))
    result = run_cli("index", "--index", tmp_path / "ix", path)
    assert result.returncode == EXIT_SKIPPED
    assert result.stderr.splitlines() == [f"skipped {path}:1: line too large (limit 5 MB)"]
    assert indexed_ids(tmp_path / "ix") == ["after"]


def _garbled(data: bytes, seed: int) -> bytes:
    out, rng = bytearray(data), random.Random(seed)
    for _ in range(20):
        out[rng.randrange(200, len(out) - 200)] = rng.randrange(256)
    return bytes(out)


def _raises_zlib_error(data: bytes) -> bool:
    try:
        gzip.decompress(data)
    except zlib.error:
        return True
    except (OSError, EOFError):
        return False
    return False


def indexed_ids_of(index_dir: Path, query: str) -> list[str]:
    with Engine(index_dir) as engine:
        return [h.id for h in engine.search(SearchRequest(query=query, per_page=100)).hits]
