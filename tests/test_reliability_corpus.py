"""A generated archive for the reliability tests: thousands of articles made of real Vietnamese.

The sentences come from the five real articles in corpus/; each generated article draws a
headline and a body from them with a seeded generator, so runs are reproducible. Ids vary in
shape (plain, numeric, nested with "/", mixed case) because ids reach URLs and file names.
"""
from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from tests.conftest import CORPUS

SOURCES = ("VnExpress", "Tuổi Trẻ", "Thanh Niên", "Dân Trí", "VOV", "Vietnam+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@lru_cache(maxsize=1)
def corpus_sentences() -> tuple[str, ...]:
    """Every sentence of corpus/*.txt with at least four words, in file order."""
    sentences: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            sentences += [s.strip() for s in _SENTENCE_END.split(line) if len(s.split()) >= 4]
    return tuple(sentences)


def article_id(n: int) -> str:
    """Ids of several shapes, all distinct for distinct n."""
    shape = n % 4
    if shape == 0:
        return f"tin-{n:05d}"
    if shape == 1:
        return str(100000 + n)
    if shape == 2:
        return f"{2020 + n % 4}/{n % 12 + 1:02d}/Bai-{n}"
    return f"baomoi-{n}x{n % 7}"


def synthetic_articles(count: int, seed: int = 2024, start: int = 0, paragraphs: tuple[int, int] = (2, 4)) -> Iterator[dict[str, str]]:
    """`count` articles numbered from `start`: a headline and a few paragraphs of three sentences."""
    rng = random.Random(seed + start)
    sentences = corpus_sentences()
    for n in range(start, start + count):
        title = rng.choice(sentences).rstrip(".")[:150]
        body = "\n".join(" ".join(rng.sample(sentences, 3)) for _ in range(rng.randint(*paragraphs)))
        yield {
            "id": article_id(n),
            "title": title,
            "body": body,
            "date": f"{2020 + rng.randrange(4)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "source": rng.choice(SOURCES),
            "url": f"https://tin.example.vn/{article_id(n)}.html",
        }


def write_jsonl(path: Path, articles: Iterator[dict[str, str]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for article in articles:
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
            count += 1
    return count


def test_generated_articles_are_real_vietnamese_with_distinct_ids() -> None:
    articles = list(synthetic_articles(2000))
    assert len({a["id"] for a in articles}) == 2000
    assert len(corpus_sentences()) > 50
    assert all(a["title"] and len(a["body"]) > 200 for a in articles)
    assert any("đàm phán" in a["body"] for a in articles)
    assert list(synthetic_articles(3)) == list(synthetic_articles(3))  # reproducible
