"""Shared helpers for bench/relevance.py, bench/index.py and bench/query.py.

The corpus is read in place from ../shared/corpora/ (never copied into the repository); subsets
are written to temporary folders. The peer engine used by all three benchmarks is SQLite FTS5
(`unicode61 remove_diacritics 2`, from the standard library), queried the same way everywhere:
each token quoted, AND-ed for short queries (falling back to OR when nothing matches, as our
engine does), OR-ed for long ones, ranked by bm25 with the title weighted like ours.
"""
from __future__ import annotations

import gzip
import json
import os
import platform
import re
import sqlite3
import statistics
import sys
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "baomoi-2017.jsonl.gz"
OUT = ROOT / "bench" / "out"
TITLE_WEIGHT = 2.5  # search.schema.TITLE_BOOST, given to the peers too so ranking differs only in analysis
SHORT_QUERY_TOKENS = 8  # FTS5: up to this many tokens a query is AND-ed (with OR fallback), beyond it OR-ed

# unicode61 splits on anything that is not a letter or digit; the same rule picks query tokens.
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    summary: str
    body: str

    @property
    def chars(self) -> int:
        """Characters of title and body (what every engine indexes; ours also indexes a summary the
        body does not hold, but not in the relevance benchmark, whose queries are summaries)."""
        return len(self.title) + len(self.body)


def require_corpus(path: Path) -> None:
    if not path.is_file():
        sys.exit(f"error: corpus not found: {path} (it lives in ../shared/corpora/ beside the clone; pass --corpus PATH)")


def read_docs(path: Path, limit: int | None) -> list[Doc]:
    """The first `limit` articles of a JSON Lines file, in file order (deterministic subset)."""
    docs: list[Doc] = []
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as stream:
        for line in stream:
            if limit is not None and len(docs) >= limit:
                break
            if line.strip():
                obj = json.loads(line)
                docs.append(Doc(str(obj["id"]), obj.get("title") or "", obj.get("summary") or "", obj.get("body") or ""))
    return docs


def write_subset(docs: Iterable[Doc], folder: Path, name: str = "subset.jsonl.gz", summaries: bool = True) -> Path:
    """The articles as a .jsonl.gz the project's readers accept, in `folder` (a temporary one);
    without `summaries` for an index the relevance queries (made of summaries) must not read."""
    path = folder / name
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        for d in docs:
            row = {"id": d.id, "title": d.title, "summary": d.summary, "body": d.body}
            if not summaries:
                del row["summary"]
            out.write(json.dumps(row, ensure_ascii=False))
            out.write("\n")
    return path


def fold(text: str) -> str:
    """Strip diacritics the way a user typing without them would: NFD, drop marks, đ -> d."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


def machine() -> str:
    """Cores, memory, CPU model, Python and SQLite: printed with every result."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        mem = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, IndexError, ValueError):
        pass
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} cores ({cpu}), {mem} RAM, load avg {load}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}")


def command_line() -> str:
    rel = os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(str(ROOT)) else sys.executable
    return " ".join([rel, os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])


def header(title: str) -> None:
    print(f"# {title}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"machine: {machine()}")
    print(f"command: {command_line()}")
    print()


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(rows: list[list[str]], head: list[str]) -> str:
    """A Markdown table (printed, and pasted as is into docs/benchmarks.md)."""
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(line(r) for r in rows)])


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def dir_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# -- SQLite FTS5, the peer ---------------------------------------------------------------------
def fts5_create(db_path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db_path), check_same_thread=False)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='unicode61 remove_diacritics 2')")
    return conn


def fts5_index(conn: sqlite3.Connection, docs: Iterable[Doc]) -> None:
    conn.executemany("INSERT INTO docs(id, title, body) VALUES (?, ?, ?)", ((d.id, d.title, d.body) for d in docs))
    conn.commit()


def fts5_match(text: str, operator: str) -> str | None:
    """`"tok1" AND "tok2"` / `"tok1" OR "tok2"`: every token quoted, so no FTS5 syntax leaks in."""
    unique = list(dict.fromkeys(t.lower() for t in tokens(text)))
    return f" {operator} ".join(f'"{t}"' for t in unique) if unique else None


def fts5_search(conn: sqlite3.Connection, text: str, long: bool | None = None, limit: int = 10) -> list[str]:
    """Ids of the top `limit` articles. Short queries: AND of tokens, OR if that finds nothing."""
    if long is None:
        long = len(tokens(text)) > SHORT_QUERY_TOKENS
    sql = f"SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, {TITLE_WEIGHT}, 1.0) LIMIT {limit}"
    for operator in (("OR",) if long else ("AND", "OR")):
        match = fts5_match(text, operator)
        if match is None:
            return []
        ids = [row[0] for row in conn.execute(sql, (match,))]
        if ids:
            return ids
    return []


# -- processes ---------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids += [int(x) for x in task.read_text().split()]
        except OSError:
            pass
    return kids


def rss_kb(pid: int) -> int:
    """VmRSS of one process in kB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    """RSS of a process and all its descendants, summed (worker processes included)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss_kb(p)
        todo += _children(p)
    return total
