"""Known-item relevance: our engine vs SQLite FTS5 vs plain Whoosh, on the same queries.

    .venv/bin/python bench/relevance.py [--limit 5000] [--targets 300] [--seed 2017] [--verbose]

Subset: the first --limit articles of ../shared/corpora/baomoi-2017.jsonl.gz (file order).
Targets: --targets articles drawn with --seed among those with a summary of >= 12 syllables
whose title no other article in the subset shares (a duplicate would be an equally right answer).
Queries come from each target's SUMMARY, which none of the engines indexes here (title + body
only; ours searches an export's summaries too, so its subset is written without them, and a
reused --index must have been built without them):

- keyword: 3 or 4 rare units of the summary, lowercased, in summary order. A unit is a syllable,
  or two adjacent syllables that the subset shows to be one word (the pair occurs >= 3 times and
  >= 20x as often as chance, cf(ab)·N / (cf(a)·cf(b)): "đàm phán", "nhân viên", "tổn thất"); a
  syllable that forms such a pair with a neighbour is never a unit on its own (no fragments).
  This is pure corpus statistics, no segmenter, so no engine's analysis shapes the queries.
  Candidates hold letters only, occur in the target's title or body, and in at most 10% of
  articles; the query takes 3-4 at random (seeded) from the 8 with the lowest document frequency.
- unaccented: the keyword query with diacritics stripped (NFD, drop combining marks, đ -> d).
- long: the whole summary as typed.

Engines (the title weighted 2.5x in all three, as in search.schema):
- ours: search.indexer.index_paths + Engine.search(SearchRequest(query=q, per_page=10));
- fts5: unicode61 remove_diacritics 2, bm25; every token quoted; keyword queries AND-ed, falling
  back to OR when that finds nothing (as ours relaxes); long queries OR-ed;
- whoosh: StandardAnalyzer on title and body, BM25F; the same AND/OR rule as FTS5.
A query scores 1/rank when the target is in the top 10 (MRR@10) and 1 for recall@10.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    CORPUS, OUT, TITLE_WEIGHT, Doc, fold, fts5_create, fts5_index, fts5_search, header, median, read_docs,
    require_corpus, table, verdict, write_subset,
)

QUERY_TYPES = ("keyword", "unaccented", "long")
ENGINES = ("ours", "fts5", "whoosh")
MIN_SUMMARY_SYLLABLES = 12
RARE_POOL = 8  # keyword units are drawn from this many rarest candidates
MAX_DF_SHARE = 0.10
ASSOCIATION = 20.0  # a syllable pair is one word when it occurs this many times more often than chance
MIN_PAIR = 3  # ... and at least this often (rare pairs look associated by chance)
TOP = 10
TARGETS = {  # what the issue asks of our engine
    "ours/fts5 keyword MRR@10": 1.25,
    "unaccented/accented MRR@10": 0.95,
    "long MRR@10": 0.9,
}

_RUN_BREAK = re.compile(r"[^\w\s]|_")  # punctuation ends a run of syllables
_SYLLABLE = re.compile(r"[^\W_]+")


def runs(text: str) -> list[list[str]]:
    """Lowercase syllables, in runs that punctuation separates (no pair spans a comma)."""
    out = []
    for piece in _RUN_BREAK.split(text.lower()):
        sylls = _SYLLABLE.findall(piece)
        if sylls:
            out.append(sylls)
    return out


# -- corpus statistics and query generation ----------------------------------------------------
@dataclass
class Stats:
    docs: int
    df: Counter[tuple[str, ...]]  # unigram and bigram document frequencies
    cf: Counter[tuple[str, ...]]  # unigram and bigram collection frequencies
    grams: list[set[tuple[str, ...]]]  # per document: its unigrams and bigrams

    @classmethod
    def of(cls, docs: list[Doc]) -> Stats:
        df: Counter[tuple[str, ...]] = Counter()
        cf: Counter[tuple[str, ...]] = Counter()
        grams = []
        for d in docs:
            seen: Counter[tuple[str, ...]] = Counter()
            for run in runs(d.title + "\n" + d.body):
                seen.update((s,) for s in run)
                seen.update(zip(run, run[1:]))
            cf.update(seen)
            df.update(seen.keys())
            grams.append(set(seen))
        return cls(len(docs), df, cf, grams)

    @property
    def syllables(self) -> int:
        return sum(n for gram, n in self.cf.items() if len(gram) == 1)

    def association(self, a: str, b: str, total: int) -> float:
        """How many times more often "a b" occurs than if syllables were independent (0 if rare)."""
        pair = self.cf[(a, b)]
        return pair * total / (self.cf[(a,)] * self.cf[(b,)]) if pair >= MIN_PAIR else 0.0


def units(summary: str, stats: Stats, total: int) -> list[tuple[tuple[str, ...], bool]]:
    """The summary as units (one syllable, or a two-syllable word by corpus statistics), each
    with whether it stands free (False: a syllable bound to a neighbour, a fragment of a word)."""
    out: list[tuple[tuple[str, ...], bool]] = []
    for run in runs(summary):
        assoc = [stats.association(a, b, total) for a, b in zip(run, run[1:])] + [0.0]
        i = 0
        while i < len(run):
            after = assoc[i + 1] if i + 1 < len(run) else 0.0
            if assoc[i] >= ASSOCIATION and assoc[i] >= after:
                out.append(((run[i], run[i + 1]), True))
                i += 2
            else:
                bound = assoc[i] >= ASSOCIATION or (i > 0 and assoc[i - 1] >= ASSOCIATION)
                out.append(((run[i],), not bound))
                i += 1
    return out


def keyword_query(doc_index: int, summary: str, stats: Stats, total: int, rng: random.Random) -> str | None:
    mine = stats.grams[doc_index]
    candidates: dict[tuple[str, ...], int] = {}
    for pos, (unit, free) in enumerate(units(summary, stats, total)):
        if not free or unit in candidates or not all(s.isalpha() for s in unit) or len("".join(unit)) < 2:
            continue
        if unit not in mine or stats.df[unit] > MAX_DF_SHARE * stats.docs:
            continue
        candidates[unit] = pos
    if len(candidates) < 3:
        return None
    rarest = sorted(candidates, key=lambda u: (stats.df[u], candidates[u]))[:RARE_POOL]
    chosen = rng.sample(rarest, k=min(len(rarest), rng.choice((3, 4))))
    chosen.sort(key=candidates.__getitem__)
    return " ".join(" ".join(u) for u in chosen)


@dataclass
class Target:
    id: str
    title: str
    queries: dict[str, str]


def pick_targets(docs: list[Doc], count: int, seed: int, stats: Stats) -> list[Target]:
    rng = random.Random(seed)
    titles = Counter(d.title.strip().lower() for d in docs)
    eligible = [i for i, d in enumerate(docs)
                if titles[d.title.strip().lower()] == 1 and d.body.strip()
                and sum(len(r) for r in runs(d.summary)) >= MIN_SUMMARY_SYLLABLES]
    rng.shuffle(eligible)
    total = stats.syllables
    targets: list[Target] = []
    for i in eligible:
        if len(targets) == count:
            break
        keyword = keyword_query(i, docs[i].summary, stats, total, rng)
        if keyword is None:
            continue
        d = docs[i]
        targets.append(Target(d.id, d.title, {"keyword": keyword, "unaccented": fold(keyword), "long": d.summary}))
    return targets


# -- the three engines --------------------------------------------------------------------------
Searcher = Callable[[str, str], list[str]]  # (query, type) -> ranked ids


def build_ours(subset: Path, index_dir: Path, reuse: bool,
               suggestions: dict[str, str | None]) -> tuple[Searcher, float, Callable[[], None]]:
    """Our engine; `suggestions` collects its "did you mean" for each query it answers."""
    from search.engine import Engine
    from search.indexer import index_paths
    from search.models import SearchRequest

    started = time.perf_counter()
    if not reuse:
        report = index_paths(index_dir, [subset])
        if report.skipped:
            print(f"warning: our indexer skipped {len(report.skipped)} articles", file=sys.stderr)
    seconds = time.perf_counter() - started
    engine = Engine(index_dir)
    engine.warm()
    if reuse and any(engine.article(h.id).summary for h in engine.search(SearchRequest(per_page=100)).hits):  # type: ignore[union-attr]
        sys.exit(f"error: the index at {index_dir} holds summaries, which our engine searches and these queries are "
                 "made of; build it without them (bench/common.py write_subset(summaries=False)) or drop --index")

    def search(query: str, kind: str) -> list[str]:
        result = engine.search(SearchRequest(query=query, per_page=TOP))
        suggestions[query] = result.suggestion
        return [h.id for h in result.hits]

    return search, seconds, engine.close


def restored(targets: list[Target], suggestions: dict[str, str | None]) -> tuple[int, int, int]:
    """Did you mean on the unaccented queries: (exactly the accented keyword query, syllables
    right, syllables) -- what the user typed before the diacritics were stripped."""
    exact = right = total = 0
    for t in targets:
        asked, gold = t.queries["unaccented"], t.queries["keyword"].split()
        got = (suggestions.get(asked) or asked).lower().split()  # "Hà Nội" restores "hà nội"
        exact += got == gold
        right += sum(a == b for a, b in zip(got, gold)) if len(got) == len(gold) else 0
        total += len(gold)
    return exact, right, total


def build_fts5(docs: list[Doc], db: Path) -> tuple[Searcher, float, Callable[[], None]]:
    started = time.perf_counter()
    conn = fts5_create(db)
    fts5_index(conn, docs)
    seconds = time.perf_counter() - started
    return (lambda query, kind: fts5_search(conn, query, long=kind == "long", limit=TOP)), seconds, conn.close


def build_whoosh(docs: list[Doc], index_dir: Path) -> tuple[Searcher, float, Callable[[], None]]:
    from whoosh import index as whoosh_index
    from whoosh import query as wq
    from whoosh.analysis import StandardAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.scoring import BM25F

    started = time.perf_counter()
    analyzer = StandardAnalyzer()
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer, field_boost=TITLE_WEIGHT),
                    body=TEXT(analyzer=analyzer))
    ix = whoosh_index.create_in(str(index_dir), schema)
    writer = ix.writer(limitmb=256)
    for d in docs:
        writer.add_document(id=d.id, title=d.title, body=d.body)
    writer.commit()
    seconds = time.perf_counter() - started
    searcher = ix.searcher(weighting=BM25F())

    def search(query: str, kind: str) -> list[str]:
        words = list(dict.fromkeys(t.text for t in analyzer(query)))
        if not words:
            return []
        clauses = [wq.Or([wq.Term("title", w), wq.Term("body", w)]) for w in words]
        for combine in ((wq.Or,) if kind == "long" else (wq.And, wq.Or)):
            hits = searcher.search(combine(clauses), limit=TOP)
            if len(hits):
                return [h["id"] for h in hits]
        return []

    return search, seconds, searcher.close


# -- running and reporting ---------------------------------------------------------------------
@dataclass
class Outcome:
    engine: str
    type: str
    target: str
    query: str
    rank: int | None  # 1-based rank of the target in the top 10, None when missing
    ms: float
    top: list[str]


def run_all(engines: dict[str, Searcher], targets: list[Target]) -> list[Outcome]:
    outcomes = []
    for name, search in engines.items():
        search("khởi động", "keyword")  # first-call costs (caches, lazy loads) are not a query's
        for t in targets:
            for kind in QUERY_TYPES:
                started = time.perf_counter()
                ids = search(t.queries[kind], kind)
                ms = (time.perf_counter() - started) * 1000
                rank = ids.index(t.id) + 1 if t.id in ids else None
                outcomes.append(Outcome(name, kind, t.id, t.queries[kind], rank, round(ms, 2), ids[:TOP]))
    return outcomes


def scores(outcomes: list[Outcome]) -> dict[tuple[str, str], dict[str, float]]:
    out = {}
    for engine in ENGINES:
        for kind in QUERY_TYPES:
            mine = [o for o in outcomes if o.engine == engine and o.type == kind]
            if not mine:
                continue
            out[(engine, kind)] = {
                "mrr": sum(1 / o.rank for o in mine if o.rank) / len(mine),
                "recall": sum(1 for o in mine if o.rank) / len(mine),
                "median_ms": median([o.ms for o in mine]),
                "n": len(mine),
            }
    return out


def print_worst(outcomes: list[Outcome], docs: dict[str, Doc], count: int = 10) -> None:
    """Our worst misses first where FTS5 did find the target: those are the engine's to fix."""
    fts = {(o.type, o.target): o.rank for o in outcomes if o.engine == "fts5"}
    ours = [o for o in outcomes if o.engine == "ours" and (o.rank is None or o.rank > 3)]
    ours.sort(key=lambda o: (o.rank is not None, -(o.rank or 99), fts.get((o.type, o.target)) is None,
                             fts.get((o.type, o.target)) or 99, o.type, o.target))
    print(f"\n## {min(count, len(ours))} worst misses of ours (not in the top 3; FTS5 rank beside)")
    for o in ours[:count]:
        print(f"- [{o.type}] target {o.target} \"{docs[o.target].title[:90]}\"")
        print(f"  query: {o.query[:200]!r}")
        print(f"  ours rank: {o.rank or '>10'}   fts5 rank: {fts.get((o.type, o.target)) or '>10'}")
        for rank, doc_id in enumerate(o.top[:3], 1):
            print(f"    ours #{rank}: {doc_id} \"{docs[doc_id].title[:90] if doc_id in docs else '?'}\"")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="JSON Lines corpus (default: ../shared/corpora/baomoi-2017.jsonl.gz)")
    parser.add_argument("--limit", type=int, default=5000, help="use the first N articles (default: 5000)")
    parser.add_argument("--targets", type=int, default=300, help="known-item targets (default: 300)")
    parser.add_argument("--seed", type=int, default=2017, help="random seed for targets and keywords (default: 2017)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the per-query JSON (default: bench/out/)")
    parser.add_argument("--index", type=Path, help="reuse our index at DIR, built from the same first --limit articles "
                        "(e.g. by bench/index.py or the CLI) instead of building one")
    parser.add_argument("--verbose", action="store_true", help="print our 10 worst misses")
    args = parser.parse_args(argv)
    require_corpus(args.corpus)

    header("relevance: known-item search, ours vs SQLite FTS5 vs plain Whoosh")
    docs = read_docs(args.corpus, args.limit)
    targets = pick_targets(docs, args.targets, args.seed, Stats.of(docs))  # the n-gram counts go once used
    print(f"subset: first {len(docs)} articles of {args.corpus.name}; {len(targets)} targets (seed {args.seed})")

    with tempfile.TemporaryDirectory(prefix="vnsearch-relevance-") as tmp:
        work = Path(tmp)
        subset = write_subset(docs, work, summaries=False)  # the queries are the summaries: no engine reads them
        (work / "ours").mkdir()
        (work / "whoosh").mkdir()
        suggestions: dict[str, str | None] = {}
        built = {
            "ours": build_ours(subset, args.index or work / "ours", reuse=args.index is not None, suggestions=suggestions),
            "fts5": build_fts5(docs, work / "fts5.db"),
            "whoosh": build_whoosh(docs, work / "whoosh"),
        }
        if args.index:
            print(f"ours: reusing the index at {args.index}")
        print("index time (informative): " + ", ".join(
            f"{name} {'reused' if name == 'ours' and args.index else f'{b[1]:.1f} s'}" for name, b in built.items()))
        try:
            outcomes = run_all({name: b[0] for name, b in built.items()}, targets)
        finally:
            for b in built.values():
                b[2]()

    result = scores(outcomes)
    rows = [[engine, kind, f"{r['mrr']:.3f}", f"{r['recall']:.3f}", f"{r['median_ms']:.1f}", str(r["n"])]
            for (engine, kind), r in result.items()]
    print()
    print(table(rows, ["engine", "query type", "MRR@10", "recall@10", "median ms", "queries"]))

    def mrr(engine: str, kind: str) -> float:
        return result[(engine, kind)]["mrr"]

    checks = [
        ("ours/fts5 keyword MRR@10", mrr("ours", "keyword") / mrr("fts5", "keyword") if mrr("fts5", "keyword") else float("inf")),
        ("unaccented/accented MRR@10", mrr("ours", "unaccented") / mrr("ours", "keyword") if mrr("ours", "keyword") else 0.0),
        ("long MRR@10", mrr("ours", "long")),
    ]
    exact, right, syllables = restored(targets, suggestions)
    print(f"\ndid you mean (informative): the unaccented query's suggestion is the accented keyword query "
          f"for {exact} of {len(targets)}; {right} of {syllables} syllables right ({right / max(syllables, 1):.3f})")
    print("\ntargets:")
    for name, value in checks:
        goal = TARGETS[name]
        print(f"  {name}: {value:.3f} (target >= {goal}) {verdict(value >= goal)}")

    args.out.mkdir(parents=True, exist_ok=True)
    out_file = args.out / f"relevance-{len(docs)}.json"
    out_file.write_text(json.dumps({
        "limit": len(docs), "seed": args.seed,
        "summary": [{"engine": e, "type": k, **r} for (e, k), r in result.items()],
        "targets": [asdict(t) for t in targets],
        "queries": [asdict(o) for o in outcomes],
    }, ensure_ascii=False, indent=1))
    print(f"\nper-query results: {out_file}")
    if args.verbose:
        print_worst(outcomes, {d.id: d for d in docs})
    return 0


if __name__ == "__main__":
    sys.exit(main())
