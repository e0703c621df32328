"""Alternative names of one entity (Mỹ / Hoa Kỳ, Moskva / Moscow, Sergei / Sergey Lavrov).

The groups come from the same alias data the country and official facets use
(search.metadata.name_variants), so a name the facets recognise is also searchable by its aliases.
"""
from __future__ import annotations

from functools import lru_cache

from search.analysis import fold, has_diacritics, normalize_tones
from search.analysis.names import name_syllables
from search.analysis.normalize import normalize_token_tones
from search.metadata import country_aliases, name_variants

MAX_NAME_SYLLABLES = 6


def name_key(name: str) -> tuple[str, ...]:
    """Lowercase syllables; folded for multi-syllable names ("hoa ky" is clearly Hoa Kỳ), exact
    for one-syllable names, which folding would confuse with common words (bi -> Bỉ, my -> Mỹ)."""
    sylls = tuple(normalize_tones(name).lower().replace("-", " ").split())
    return tuple(fold(s) for s in sylls) if len(sylls) > 1 else sylls


@lru_cache(maxsize=1)
def _alias_table() -> dict[tuple[str, ...], tuple[str, ...]]:
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for group in name_variants():
        if len(group) < 2:
            continue
        for name in group:
            if name.startswith("-"):  # "-Trung": only a name when joined to another ("Mỹ - Trung")
                continue
            key = name_key(name)
            if key and len(key) <= MAX_NAME_SYLLABLES:
                table.setdefault(key, tuple(group))
    return table


def alias_group(syllables: tuple[str, ...]) -> tuple[str, ...] | None:
    """The names of the entity these lowercase syllables name, if it has known aliases.

    The folded key finds the entity, and the accents the user typed must agree with one of its
    names: folding alone read "thủy điện" (hydropower) as Thụy Điển, "dài hạn" (long-term) as
    Hàn Quốc's "Đại Hàn", "trung hòa" as China's "Trung Hoa". A syllable typed bare agrees with
    any accents ("thuy dien" is still Sweden, as a user typing without diacritics means it)."""
    group = _alias_table().get(name_key(" ".join(syllables)))
    if group is None:
        return None
    typed = tuple(normalize_token_tones(s) for s in syllables)
    return group if any(_agrees(typed, name_syllables(name.lstrip("-"))) for name in group) else None


def _agrees(typed: tuple[str, ...], name: tuple[str, ...]) -> bool:
    return len(typed) == len(name) and all(not has_diacritics(t) or t == n for t, n in zip(typed, name))


@lru_cache(maxsize=1)
def _country_table() -> dict[tuple[str, ...], str]:
    return {name_key(name.lstrip("-")): code for code, names in country_aliases().items() for name in names}


def country_of(syllables: tuple[str, ...]) -> str | None:
    """The ISO code when these lowercase syllables name a country (the `country` facet's value)."""
    return _country_table().get(name_key(" ".join(syllables)))
