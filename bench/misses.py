"""Why known-item queries miss: is what ranks above the target a copy, the same story, or other?

    .venv/bin/python bench/misses.py --index DIR [--results bench/out/relevance-5000.json]

Reads the targets and queries bench/relevance.py saved, runs each query on our index again and,
for every query whose target is not ranked first, compares the target's words (title + body,
lowercased, as a set) with those of each article ranked above it: the best Jaccard similarity
puts the miss in one bucket: near-copy (>= 0.5), same story (>= 0.25) or different (< 0.25).
A ranking change can only win back the "different" ones without knowing which copy a reader meant.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import OUT, header, table  # noqa: E402
from search.engine import Engine  # noqa: E402
from search.models import SearchRequest  # noqa: E402

COPY, SAME_STORY = 0.5, 0.25


def words(engine: Engine, article_id: str) -> set[str]:
    article = engine.article(article_id)
    return set(f"{article.title} {article.body}".lower().split()) if article else set()


def bucket(similarity: float) -> str:
    return "near-copy" if similarity >= COPY else "same story" if similarity >= SAME_STORY else "different"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="our index of the same articles relevance.py used")
    parser.add_argument("--results", type=Path, default=OUT / "relevance-5000.json", help="relevance.py's per-query JSON")
    args = parser.parse_args()
    if not args.results.exists():
        sys.exit(f"error: {args.results} not found: run bench/relevance.py first")
    header("misses: what ranks above a known-item target")
    targets = json.loads(args.results.read_text(encoding="utf-8"))["targets"]
    rows = []
    with Engine(args.index) as engine:
        for kind in ("keyword", "unaccented", "long"):
            counts: Counter[str] = Counter()
            for target in targets:
                ids = [h.id for h in engine.search(SearchRequest(query=target["queries"][kind], per_page=10)).hits]
                if ids[:1] == [target["id"]]:
                    counts["rank 1"] += 1
                    continue
                above = ids[: ids.index(target["id"])] if target["id"] in ids else ids
                mine = words(engine, target["id"])
                best = max((len(mine & other) / max(1, len(mine | other)) for other in map(lambda i: words(engine, i), above)), default=0.0)
                counts[bucket(best)] += 1
            rows.append([kind, *(str(counts[b]) for b in ("rank 1", "near-copy", "same story", "different")), str(len(targets))])
    print(table(rows, ["query type", "rank 1", "near-copy above", "same story above", "different above", "targets"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
