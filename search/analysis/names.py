"""Entity names found in a row at indexing time, so that searching a name reads no positions.

A name query ("Hàn Quốc", "Liên Hợp Quốc") matches each of the entity's names as a phrase of
the syllable fields. Where pyvi made the name one word the word field answers, but the other
articles holding both syllables needed their positions read: 5,000-9,000 articles for
`trung quốc` or `han quoc` on 35k, 0.5-0.75 s for a first search. So each article also gets
the names it holds in a row as terms of a field beside each syllable field (`title_names`,
`body_names`), and the phrase check of a name becomes one posting list.

Every article's terms include `names_version()`, a digest of the name list it was checked
against: an article indexed before a name was added, or by code with other alias data, lacks
it, and is checked through positions as before (search/docarrays.py, `phrase_checks`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Token, Tokenizer

from search.analysis.filters import forms
from search.analysis.normalize import CLAUSE_RULE, SYLLABLE, clause_spans, fold, normalize_token_tones

def name_syllables(name: str) -> tuple[str, ...]:
    """"Donald J. Trump" -> ("donald", "j", "trump"): the syllables the index holds, tones in
    their canonical place as the index has them (the alias data's "Thuỵ Sĩ" is "thụy sĩ")."""
    return tuple(normalize_token_tones(s) for s in SYLLABLE.findall(name.lower()))


@lru_cache(maxsize=1)
def phrase_names() -> frozenset[tuple[str, ...]]:
    """Every name the query builder may ask for as a phrase: the multi-syllable names of the
    entities with aliases, as written and folded (what an unaccented query asks for)."""
    from search.metadata import name_variants  # the alias data (the metadata stage's own)

    names = set()
    for group in name_variants():
        for name in group:
            sylls = name_syllables(name)
            if len(sylls) > 1:
                names.update((sylls, tuple(fold(s) for s in sylls)))
    return frozenset(names)


@lru_cache(maxsize=1)
def names_version() -> str:
    """The term every checked article holds: "#" and a digest of the name list and of how
    syllables are cut and where positions skip (should either change, marks would no longer
    match the positions)."""
    listed = "\n".join([SYLLABLE.pattern, CLAUSE_RULE, *sorted(" ".join(n) for n in phrase_names())])
    return "#" + hashlib.sha1(listed.encode("utf-8")).hexdigest()[:16]


def name_term(words: tuple[str, ...] | list[str]) -> str:
    return " ".join(words)


@lru_cache(maxsize=1)
def _by_first_syllable() -> dict[str, tuple[tuple[str, ...], ...]]:
    table: dict[str, list[tuple[str, ...]]] = {}
    for name in phrase_names():
        table.setdefault(name[0], []).append(name)
    return {first: tuple(names) for first, names in table.items()}


def names_in(text: str) -> set[str]:
    """The names (as `name_term`s) that `text` holds in a row, as the syllable fields'
    phrase queries would find them: a query syllable matches a position whose accented or
    folded term it equals (the fields index both forms at one position)."""
    found: set[str] = set()
    by_first = _by_first_syllable()
    terms: list[tuple[str, ...]] = []  # the syllable fields' own terms, by position
    for i, (start, end) in enumerate(clause_spans(text)):
        if i:
            terms.append(())  # the position skipped at a clause break: no name runs across it
        terms += [forms(s) for s in SYLLABLE.findall(text, start, end)]
    # Every name's first syllable folds to a folded name's first syllable: a set test on the
    # folded terms leaves the few positions worth a closer look (a tenth of the time).
    starts = [i for i, here in enumerate(terms[:-1]) if here and here[-1] in by_first]
    for start in starts:
        second = terms[start + 1]
        for first in terms[start]:
            for name in by_first.get(first, ()):
                if name[1] in second and _rest_follows(name, terms, start):
                    found.add(name_term(name))
    return found


def _rest_follows(name: tuple[str, ...], terms: list[tuple[str, ...]], start: int) -> bool:
    """The name's third syllable on, at the positions after `start + 1`."""
    end = start + len(name)
    return end <= len(terms) and all(word in terms[i] for i, word in zip(range(start + 2, end), name[2:]))


class NameMarksTokenizer(Tokenizer):
    """The field beside a syllable field: the version term, then each name the text holds.
    (Indexes pickle their schema with it: it must stay importable here, under this name.)"""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, value: str, mode: str = "", **kwargs: Any) -> Iterator[Token]:  # type: ignore[override]
        token = Token(mode=mode, **kwargs)
        for term in (names_version(), *sorted(names_in(value))):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            yield token
