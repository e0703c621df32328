"""Query latency over HTTP: the real server (`vnsearch serve`) against SQLite FTS5's bare query time.

    .venv/bin/python bench/query.py [--limit 5000 | --index DIR] [--repeat 3]

Builds an index of the first --limit articles of ../shared/corpora/baomoi-2017.jsonl.gz with the
CLI (or uses --index DIR), starts `python -m search.cli serve --index DIR --host 127.0.0.1 --port P`,
and measures the time from spawning it to the first 200 answer to a search. Then, one client,
one request at a time, only to 127.0.0.1: a fixed set of realistic queries (short keywords,
unaccented, entity names, phrases, long questions, and some of them with one or two facet filters taken from
the index's own most frequent values) to the results page `/?q=...` (10 hits, snippets, all
facets) and to `/api/search?q=...`; one warm-up round, then --repeat recorded rounds. The
warm-up round's page times are reported on their own ("page, first round"): each query's first
time since the server started, before the engine's postings and phrase caches hold its terms.
FTS5 (same articles, unicode61 remove_diacritics 2) runs the same query texts in-process with
bm25 and LIMIT 10, without filters, snippets or facets: its bare query time.
Server memory: VmRSS (and the peak, VmHWM) from /proc/<pid>/status after the run.
"""
from __future__ import annotations

import argparse
import json
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    CORPUS, OUT, TITLE_WEIGHT, fts5_create, fts5_index, fts5_search, header, percentile, read_docs, require_corpus,
    table, tokens, verdict, write_subset,
)

HOST = "127.0.0.1"
START_TIMEOUT_S = 120
TARGET_PAGE_VS_FTS5 = 1.5
TARGET_P95_MS = 150
TARGET_RSS_MB = 350
TARGET_FIRST_ANSWER_S = 3.0

# (category, query): what people type into a news archive's search box.
QUERIES = [
    ("keyword", "xổ số"),
    ("keyword", "giá vàng"),
    ("keyword", "tai nạn giao thông"),
    ("keyword", "thủ tướng"),
    ("keyword", "ô nhiễm môi trường"),
    ("keyword", "Việt Nam"),
    ("keyword", "bóng đá"),
    ("unaccented", "gia vang"),
    ("unaccented", "tai nan giao thong"),
    ("unaccented", "thu tuong"),
    ("unaccented", "o nhiem moi truong"),
    ("name", "Trung Quốc"),  # an entity with aliases: each name is a phrase (Trung Hoa, CHND Trung Hoa...)
    ("name", "Hàn Quốc"),
    ("name", "han quoc"),
    ("name", "Liên Hợp Quốc"),
    ("phrase", '"xổ số điện toán"'),
    ("phrase", '"biển Đông"'),
    ("phrase", '"Donald Trump"'),
    ("long", "giá xăng dầu tăng bao nhiêu trong tháng này"),
    ("long", "tại sao người dân phản đối dự án xả thải ra biển"),
    ("long", "những thay đổi của luật giao thông đường bộ có hiệu lực từ năm 2017"),
]
FILTERED = ["thủ tướng", "Việt Nam", "tai nan giao thong", '"Donald Trump"']  # also asked with filters


@dataclass
class Request:
    category: str
    query: str
    filters: tuple[tuple[str, str], ...] = ()

    def params(self) -> str:
        return urlencode([("q", self.query), *self.filters])

    @property
    def label(self) -> str:
        return self.category + ("+filters" if self.filters else "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def build_index(subset: Path, index_dir: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "search.cli", "index", "--index", str(index_dir), str(subset)],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode not in (0, 3):
        sys.exit(f"error: indexing failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return time.perf_counter() - started


def start_server(index_dir: Path, port: int) -> tuple[subprocess.Popen[bytes], float]:
    """Spawn the server; seconds from spawn to the first 200 answer to a search."""
    base = f"http://{HOST}:{port}"
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "search.cli", "serve", "--index", str(index_dir), "--host", HOST,
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while time.perf_counter() - started < START_TIMEOUT_S:
        if proc.poll() is not None:
            raise SystemExit(f"error: the server exited ({proc.returncode}): {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
        try:
            status, _ = get(f"{base}/api/search?q=vi%E1%BB%87t", timeout=5)
            if status == 200:
                return proc, time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.05)
    proc.terminate()
    raise SystemExit(f"error: no answer from the server within {START_TIMEOUT_S} s")


def requests_for(stats: dict) -> list[Request]:
    """The fixed queries, plus a few with filters from the index's most frequent facet values."""
    facets = stats.get("facets", {})
    countries = list(facets.get("country", {}))
    country = "US" if "US" in countries else (countries[0] if countries else None)
    official = next(iter(facets.get("official", {})), None)
    source = next(iter(facets.get("source", {})), None)
    out = [Request(c, q) for c, q in QUERIES]
    category = dict((q, c) for c, q in QUERIES)
    for q in FILTERED:
        if country:
            out.append(Request(category[q], q, (("country", country),)))
        if country and official:
            out.append(Request(category[q], q, (("country", country), ("official", official))))
        if source:
            out.append(Request(category[q], q, (("source", source),)))
    return out


def fts5_query(conn: sqlite3.Connection, text: str, category: str) -> list[str]:
    if category == "phrase":  # an FTS5 phrase: the tokens in order
        sql = f"SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, {TITLE_WEIGHT}, 1.0) LIMIT 10"
        return [r[0] for r in conn.execute(sql, ('"' + " ".join(tokens(text)) + '"',))]
    return fts5_search(conn, text, long=category == "long")


def proc_status(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            out[line.split(":")[0]] = int(line.split()[1])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="JSON Lines corpus (default: ../shared/corpora/baomoi-2017.jsonl.gz)")
    parser.add_argument("--limit", type=int, default=5000, help="first N articles for the index and FTS5 (default: 5000)")
    parser.add_argument("--index", type=Path, help="use this existing index (built from the same first --limit articles)")
    parser.add_argument("--repeat", type=int, default=3, help="recorded rounds over the query set (default: 3)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the JSON results (default: bench/out/)")
    args = parser.parse_args(argv)
    require_corpus(args.corpus)

    header("query: HTTP latency of the vnsearch server vs SQLite FTS5 bare queries")
    docs = read_docs(args.corpus, args.limit)
    with tempfile.TemporaryDirectory(prefix="vnsearch-query-bench-") as tmp:
        work = Path(tmp)
        index_dir = args.index
        if index_dir is None:
            index_dir = work / "index"
            seconds = build_index(write_subset(docs, work), index_dir)
            print(f"index: first {len(docs)} articles, built with the CLI in {seconds:.1f} s")
        else:
            print(f"index: {index_dir} (FTS5: first {len(docs)} articles)")
        conn = fts5_create(work / "fts5.db")
        fts5_index(conn, docs)

        port = args.port or free_port()
        proc, first_answer = start_server(index_dir, port)
        try:
            base = f"http://{HOST}:{port}"
            status, body = get(f"{base}/api/stats")
            stats = json.loads(body) if status == 200 else {}
            plan = requests_for(stats)
            print(f"server: pid {proc.pid}, first answer {first_answer:.2f} s after spawn; {stats.get('articles', '?')} articles")
            print(f"queries: {len(plan)} ({sum(1 for r in plan if r.filters)} with filters: "
                  f"{sorted({f'{k}={v}' for r in plan for k, v in r.filters})}); 1 warm-up round + {args.repeat} recorded")
            timings: dict[str, list[float]] = {"page": [], "api": [], "fts5": [], "page, first round": []}
            by_label: dict[tuple[str, str], list[float]] = {}
            errors: list[str] = []
            for round_no in range(args.repeat + 1):
                for r in plan:
                    for endpoint, path in (("page", "/"), ("api", "/api/search")):
                        started = time.perf_counter()
                        status, _ = get(f"{base}{path}?{r.params()}")
                        ms = (time.perf_counter() - started) * 1000
                        if status != 200:
                            errors.append(f"{status} {path}?{r.params()}")
                        if round_no:
                            timings[endpoint].append(ms)
                            by_label.setdefault((endpoint, r.label), []).append(ms)
                        elif endpoint == "page":  # each request's first time: the server's caches are cold
                            timings["page, first round"].append(ms)
                    if not r.filters:
                        started = time.perf_counter()
                        fts5_query(conn, r.query, r.category)
                        ms = (time.perf_counter() - started) * 1000
                        if round_no:
                            timings["fts5"].append(ms)
                            by_label.setdefault(("fts5", r.label), []).append(ms)
            memory = proc_status(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            conn.close()

    rows = [[name, str(len(v)), f"{percentile(v, 50):.1f}", f"{percentile(v, 95):.1f}", f"{percentile(v, 99):.1f}",
             f"{max(v):.1f}"] for name, v in timings.items()]
    print()
    print(table(rows, ["endpoint", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms"]))
    labels = sorted({label for _, label in by_label})
    print("\np50 ms by query kind:")
    print(table([[label, *(f"{percentile(by_label[(e, label)], 50):.1f}" if (e, label) in by_label else "-"
                           for e in ("page", "api", "fts5"))] for label in labels], ["kind", "page", "api", "fts5"]))
    rss_mb, hwm_mb = memory.get("VmRSS", 0) / 1024, memory.get("VmHWM", 0) / 1024
    print(f"\nserver memory after the run: VmRSS {rss_mb:.0f} MB (peak VmHWM {hwm_mb:.0f} MB)")
    if errors:
        print(f"non-200 answers: {len(errors)}, e.g. {errors[:3]}")
    page50, fts50 = percentile(timings["page"], 50), percentile(timings["fts5"], 50)
    page95 = percentile(timings["page"], 95)
    api95 = percentile(timings["api"], 95)
    print("\ntargets:")
    print(f"  page p50 / FTS5 bare p50: {page50:.1f} / {fts50:.2f} ms = {page50 / fts50:.2f}x "
          f"(target <= {TARGET_PAGE_VS_FTS5}x) {verdict(page50 <= TARGET_PAGE_VS_FTS5 * fts50)}")
    print(f"  p95: page {page95:.1f} ms, api {api95:.1f} ms (target < {TARGET_P95_MS} ms) "
          f"{verdict(max(page95, api95) < TARGET_P95_MS)}")
    print(f"  server RSS: {rss_mb:.0f} MB (target < {TARGET_RSS_MB} MB) {verdict(rss_mb < TARGET_RSS_MB)}")
    print(f"  first answer: {first_answer:.2f} s (target <= {TARGET_FIRST_ANSWER_S} s) "
          f"{verdict(first_answer <= TARGET_FIRST_ANSWER_S)}")
    args.out.mkdir(parents=True, exist_ok=True)
    out_file = args.out / f"query-{len(docs)}.json"
    out_file.write_text(json.dumps({
        "first_answer_s": first_answer, "rss_mb": rss_mb, "hwm_mb": hwm_mb, "errors": errors,
        "timings_ms": timings, "by_kind_ms": {f"{e} {label}": v for (e, label), v in by_label.items()},
    }, ensure_ascii=False, indent=1))
    print(f"\nresults: {out_file}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
