"""The vnsearch command, run as a real process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPO, SECRET_TALKS


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "search.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "vnsearch"
    assert script.exists(), "pip install -e . should create the vnsearch console script"
    assert subprocess.run([str(script), "--help"], capture_output=True, text=True).returncode == 0


@pytest.mark.parametrize("command", ["index", "search", "extract", "serve", "stats"])
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0 and "usage: vnsearch " + command in result.stdout


def test_index_search_stats_end_to_end(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    first = run("index", "--index", ix, str(CORPUS))
    assert first.returncode == 0, first.stderr
    assert "5 indexed, 0 updated, 0 unchanged, 0 skipped" in first.stdout
    second = run("index", "--index", ix, str(CORPUS))
    assert "0 indexed, 0 updated, 5 unchanged, 0 skipped" in second.stdout

    found = run("search", "--index", ix, "--json", "đàm phán bí mật")
    data = json.loads(found.stdout)
    assert SECRET_TALKS <= {h["id"] for h in data["hits"]}
    assert any("<mark>" in h["snippet"] for h in data["hits"])
    text = run("search", "--index", ix, "đàm phán bí mật")
    assert text.returncode == 0 and "results" in text.stdout

    filtered = json.loads(run("search", "--index", ix, "--json", "--country", "GB", "đàm phán").stdout)
    assert filtered["hits"] and all(any(c["code"] == "GB" for c in h["countries"]) for h in filtered["hits"])

    stats = json.loads(run("stats", "--index", ix, "--json").stdout)
    assert stats["articles"] == 5
    assert stats["facets"]["country"]["RU"] == 5


def test_extract_json(tmp_path: Path) -> None:
    result = run("extract", "--json", str(CORPUS / "001_4ce8738a79631aa8.txt"))
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    data = json.loads(line)
    assert data["id"] == "001_4ce8738a79631aa8"
    assert {"id", "title", "date", "source", "countries", "officials"} <= set(data)
    assert {"RU", "US"} <= {c["code"] for c in data["countries"]}
    assert {"name": "Nga"}.items() <= next(c for c in data["countries"] if c["code"] == "RU").items()
    assert "Sergei Lavrov" in {o["name"] for o in data["officials"]}


@pytest.mark.parametrize(
    "args",
    [("search", "--index", "/nonexistent/ix", "x"), ("stats", "--index", "/nonexistent/ix"),
     ("index", "--index", "/tmp/x-ix", "/nonexistent/corpus"), ("search", "--page", "0", "x"),
     ("search", "--page", "1001", "x"),  # as the API refuses it (it printed a count and no hit, exit 0)
     ("search", "--per-page", "500", "x"), ("search", "--sort", "random", "x"), ("frobnicate",),
     ("extract", "/nonexistent/file.txt")],
)
def test_bad_arguments_give_one_line_and_nonzero_exit(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_bad_date_filter_is_one_line(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    run("index", "--index", ix, str(CORPUS / "001_4ce8738a79631aa8.txt"))
    result = run("search", "--index", ix, "--from", "yesterday", "Nga")
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1


def test_an_index_path_that_is_a_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("hi", encoding="utf-8")
    result = run("search", "--index", str(tmp_path / "afile"), "Nga")
    assert result.returncode == 1 and result.stderr.strip() == f"vnsearch: {tmp_path / 'afile'} is a file, not an index folder: give --index a folder"


def test_a_reversed_date_range_means_the_dates_between(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("---\ndate: 2023-01-10\n---\nGiá hải sâm tăng\n\nGiá hải sâm tăng mạnh.", encoding="utf-8")
    (docs / "b.txt").write_text("---\ndate: 2023-06-02\n---\nNuôi hải sâm\n\nNgư dân nuôi hải sâm.", encoding="utf-8")
    ix = str(tmp_path / "ix")
    run("index", "--index", ix, str(docs))

    def ids(*dates: str) -> list[str]:
        result = run("search", "--index", ix, "--json", *dates, "hải sâm")
        assert result.returncode == 0, result.stderr
        return [h["id"] for h in json.loads(result.stdout)["hits"]]

    assert ids("--from", "2023-03", "--to", "2023-01") == ids("--from", "2023-01", "--to", "2023-03") == ["a"]


def test_skipped_files_give_exit_code_3(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.txt").write_text("Tin\nHà Nội hôm nay.", encoding="utf-8")
    (docs / "bad.txt").write_bytes(b"\xff\xfe\x00\x01")
    result = run("index", "--index", str(tmp_path / "ix"), str(docs))
    assert result.returncode == 3
    assert "bad.txt" in result.stderr and "1 indexed" in result.stdout


def test_index_prune_removes_deleted_files_and_says_what_it_kept(tmp_path: Path) -> None:
    docs, ix = tmp_path / "docs", str(tmp_path / "ix")
    docs.mkdir()
    for source in sorted(CORPUS.glob("*.txt")):
        (docs / source.name).write_bytes(source.read_bytes())
    assert run("index", "--index", ix, str(docs)).returncode == 0
    gone, damaged, *_ = sorted(docs.glob("*.txt"))
    gone.unlink()
    damaged.write_bytes(b"\xff\xfe\x00broken")
    kept = run("index", "--index", ix, "--prune", str(docs))
    assert kept.returncode == 3 and "0 removed" in kept.stdout
    assert kept.stderr.splitlines()[-1] == ("not pruned: 2 indexed articles are no longer in the paths but were kept, "
                                            "because 1 file or line could not be read")
    assert "Traceback" not in kept.stderr
    damaged.unlink()
    pruned = run("index", "--index", ix, "--prune", str(docs))
    assert pruned.returncode == 0, pruned.stderr
    assert pruned.stdout.strip() == "0 indexed, 0 updated, 3 unchanged, 2 removed, 0 skipped"
    stats = json.loads(run("stats", "--index", ix, "--json").stdout)
    assert stats["articles"] == 3


@pytest.mark.parametrize(("args", "message"), [
    (["--port", "99999"], "vnsearch: argument --port: not a port (1-65535): 99999 (see --help)"),
    (["--port", "-5"], "vnsearch: argument --port: must be 1 or more: -5 (see --help)"),
    (["--host", "256.1.1.1"], "vnsearch: cannot listen on 256.1.1.1:8000: Invalid host/port specified."),
])
def test_serve_refuses_an_address_it_cannot_take_in_one_line(sample_index: Path, args: list[str], message: str) -> None:
    result = run("serve", "--index", str(sample_index), *args)
    assert result.returncode in (1, 2) and result.stderr.strip().splitlines()[-1] == message
    assert "Traceback" not in result.stderr and "serving" not in result.stderr


def test_index_rebuild_refuses_to_empty_the_index(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    assert run("index", "--index", ix, str(CORPUS)).returncode == 0
    (tmp_path / "empty").mkdir()
    refused = run("index", "--index", ix, "--rebuild", str(tmp_path / "empty"))
    assert refused.returncode == 1 and refused.stderr.startswith("vnsearch: the paths hold no article: --rebuild would empty")
    assert json.loads(run("stats", "--index", ix, "--json").stdout)["articles"] == 5


def test_serve_without_an_index_warns_at_start(tmp_path: Path) -> None:
    """It serves all the same (the index may be built meanwhile; pages answer 503), but says so."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "search.cli", "serve", "--index", str(tmp_path / "nope"), "--port", str(port)],
                              stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert server.stderr is not None
        lines = [server.stderr.readline() for _ in range(2)]
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()  # type: ignore[union-attr]
    assert lines[0].startswith("vnsearch: serving")
    assert lines[1].startswith(f"vnsearch: warning: no index at {tmp_path / 'nope'}")


@pytest.mark.parametrize("damage", ["truncated", "missing"])
def test_a_broken_pyvi_model_is_one_line_not_a_damaged_index(tmp_path: Path, damage: str) -> None:
    """A pyvi whose model file is cut short or gone (a broken install) stops `vnsearch index`
    with one line naming pyvi, before any index is touched (it read as a damaged index that
    --rebuild would not mend, or as an unwritable folder)."""
    import importlib.util

    real = Path(importlib.util.find_spec("pyvi").origin).parent  # type: ignore[union-attr, arg-type]
    fake = tmp_path / "site" / "pyvi"
    (fake / "models").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "models" / "words.txt").write_text((real / "models" / "words.txt").read_text(encoding="utf-8"), encoding="utf-8")
    if damage == "truncated":
        (fake / "models" / "pyvi3.pkl").write_bytes((real / "models" / "pyvi3.pkl").read_bytes()[:5000])
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Tin Hà Nội\nHà Nội mưa lớn.", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(REPO)])}
    done = subprocess.run([sys.executable, "-m", "search.cli", "index", "--index", str(tmp_path / "ix"), str(corpus)],
                          capture_output=True, text=True, cwd=REPO, timeout=120, env=env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vnsearch: pyvi's word segmentation model cannot be read"), done.stderr
    assert not (tmp_path / "ix").exists()
