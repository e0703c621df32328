"""Score country and official extraction on a labelled set (see ../shared/eval/README.md).

    .venv/bin/python bench/facets.py [--eval PATH] [--verbose]

A country is correct if its code is in required ∪ optional; an official is correct if its
name, compared case- and accent-insensitively, equals the gold name or one of its aliases.
Precision counts every extracted value; recall counts only the required ones (micro-averaged).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.metadata import extract  # noqa: E402
from search.models import RawArticle  # noqa: E402

DEFAULT_EVAL = ROOT.parent / "shared" / "eval" / "facets-dev.jsonl"


def fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFD", name.lower().replace("đ", "d"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass
class Score:
    extracted: int = 0
    correct: int = 0
    required: int = 0
    found: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self, label: str) -> str:
        precision = self.correct / self.extracted if self.extracted else 1.0
        recall = self.found / self.required if self.required else 1.0
        return (f"{label:<10} P={precision:.3f} ({self.correct}/{self.extracted})  "
                f"R={recall:.3f} ({self.found}/{self.required})")


def score_countries(score: Score, item: dict, codes: set[str]) -> None:
    allowed = set(item["countries_required"]) | set(item["countries_optional"])
    score.extracted += len(codes)
    score.correct += len(codes & allowed)
    score.required += len(item["countries_required"])
    score.found += len(codes & set(item["countries_required"]))
    for code in sorted(codes - allowed):
        score.errors.append(f"{item['id']}: country FP {code}")
    for code in sorted(set(item["countries_required"]) - codes):
        score.errors.append(f"{item['id']}: country FN {code}")


def score_officials(score: Score, item: dict, names: list[str]) -> None:
    def forms(person: dict) -> set[str]:
        return {fold(person["name"]), *(fold(a) for a in person.get("aliases", []))}

    required = [forms(p) for p in item["officials_required"]]
    allowed = required + [forms(p) for p in item["officials_optional"]]
    score.extracted += len(names)
    for name in names:
        if any(fold(name) in f for f in allowed):
            score.correct += 1
        else:
            score.errors.append(f"{item['id']}: official FP {name}")
    score.required += len(required)
    for person, person_forms in zip(item["officials_required"], required):
        if any(fold(name) in person_forms for name in names):
            score.found += 1
        else:
            score.errors.append(f"{item['id']}: official FN {person['name']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="labelled JSON Lines file")
    parser.add_argument("--verbose", action="store_true", help="list every error")
    args = parser.parse_args(argv)
    if not args.eval.is_file():
        print(f"error: labelled set not found: {args.eval} (pass --eval PATH)", file=sys.stderr)
        return 2
    items = [json.loads(line) for line in args.eval.read_text(encoding="utf-8").splitlines() if line.strip()]
    countries, officials = Score(), Score()
    started = time.perf_counter()
    for item in items:
        # Only the text is given: the labels are about what the text says.
        article = extract(RawArticle(item["id"], item.get("title", ""), item.get("body", ""), str(args.eval)))
        score_countries(countries, item, {c.code for c in article.countries})
        score_officials(officials, item, [o.name for o in article.officials])
    elapsed = time.perf_counter() - started
    print(f"{len(items)} articles from {args.eval} ({elapsed * 1000 / max(len(items), 1):.2f} ms/article)")
    print(countries.line("countries"))
    print(officials.line("officials"))
    if args.verbose:
        for error in countries.errors + officials.errors:
            print("  " + error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
