"""A lenient parser for the query language.

Understands: "quoted phrases", AND / OR / NOT (upper case), -word and -"phrase", title:word and
title:"phrase", and word* prefixes. Anything it cannot make sense of (stray quotes, brackets,
dangling operators, unknown fields) is searched as plain text or dropped, and reported in
`ParsedQuery.ignored` so the API can say what it ignored. It never raises.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

FIELDS = {"title": "title", "tieude": "title", "body": "body", "noidung": "body"}
_TOKEN = re.compile(
    # a field name, but not a web address's scheme ("https://..." is one word)
    r'(?P<neg>-)?(?:(?P<field>[^\W\d_]+):(?!//))?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"()\[\]{}]+))'
    r'|(?P<quote>")|(?P<bracket>[()\[\]{}])'
)


@dataclass(frozen=True)
class Text:
    """Free text: segmented into words; each word must match (short queries)."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Prefix:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Not:
    clause: Clause


@dataclass(frozen=True)
class AnyOf:
    clauses: tuple[Clause, ...]


Clause = Text | Phrase | Prefix | Not | AnyOf


@dataclass
class ParsedQuery:
    clauses: list[Clause] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not isinstance(c, Not)]


def _balance_quotes(text: str, ignored: list[str]) -> str:
    if text.count('"') % 2:
        last = text.rfind('"')
        ignored.append('dấu ngoặc kép không đóng (")')
        text = text[:last] + " " + text[last + 1 :]
    return text


def _atom(match: re.Match[str], ignored: list[str]) -> Clause | None:
    fieldname = match.group("field")
    target: str | None = None
    if fieldname:
        target = FIELDS.get(fieldname.lower())
        if target is None:
            ignored.append(f"trường không hỗ trợ: {fieldname}:")
    phrase, word = match.group("phrase"), match.group("word")
    if fieldname and target is None:  # not a field after all: keep its name as text
        return Text(f"{fieldname} {phrase if phrase is not None else word}")
    if phrase is not None:
        return Phrase(phrase.strip(), target) if phrase.strip() else None
    assert word is not None
    stripped = word.rstrip("*")
    if stripped != word and re.search(r"\w", stripped):
        return Prefix(stripped, target)
    if word.endswith(":") and word[:-1].lower() in FIELDS:  # "title:" with nothing after it
        ignored.append(f"trường không có từ nào: {word}")
        return None
    if not re.search(r"\w", word):
        ignored.append(f"ký tự bị bỏ qua: {word}")
        return None
    return Text(word, target)


def parse(text: str) -> ParsedQuery:
    result = ParsedQuery()
    text = _balance_quotes(text, result.ignored)
    items: list[Clause | str] = []  # clauses, and the operators "OR", "NOT" still to apply
    dangling_and = False  # an AND with nothing after it (one with nothing before is noted at once)
    for match in _TOKEN.finditer(text):
        if match.group("bracket"):
            result.ignored.append(f"ngoặc bị bỏ qua: {match.group('bracket')}")
            continue
        word = match.group("word")
        if word in ("AND", "OR", "NOT") and not match.group("field") and not match.group("neg"):
            if word != "AND":
                items.append(word)
            elif not any(not isinstance(i, str) for i in items):
                result.ignored.append("AND không có vế trái")
            else:
                dangling_and = True
                items.append(word)  # it ends a run of words, as OR does (_apply_operators)
            continue
        atom = _atom(match, result.ignored)
        if atom is None:
            continue
        dangling_and = False
        items.append(Not(atom) if match.group("neg") else atom)
    if dangling_and:
        result.ignored.append("AND ở cuối truy vấn")
    result.clauses = _apply_operators(items, result.ignored)
    return result


def _apply_operators(items: list[Clause | str], ignored: list[str]) -> list[Clause]:
    """NOT binds to the next clause; adjacent Text merge into one run; OR joins the runs (or
    other clauses) on either side of it.

    A run, not a syllable: Vietnamese words are several space-separated syllables, so
    "giá xăng OR giá dầu" is ("giá xăng") OR ("giá dầu"), and "đàm phán OR thương lượng" is one
    word or the other (bound to the next syllable, it was đàm (phán OR thương) lượng). An AND, a
    quote, a prefix, a field or a NOT ends a run."""
    negated: list[Clause | str] = []
    pending_not = False
    for item in items:
        if item == "NOT":
            pending_not = True
            continue
        if pending_not and not isinstance(item, str):
            item = Not(item) if not isinstance(item, Not) else item.clause
        pending_not = False
        negated.append(item)
    if pending_not:
        ignored.append("NOT ở cuối truy vấn")
    clauses: list[Clause] = []
    join_next = False
    run_ended = False  # an AND since the last clause: the next Text starts a run of its own
    for item in negated:
        if item == "AND":
            run_ended = True
            continue
        if item == "OR":
            if clauses and not isinstance(clauses[-1], Not):
                join_next = True
            else:
                ignored.append("OR không có vế trái")
            continue
        assert not isinstance(item, str)
        if join_next and not isinstance(item, Not):
            left = clauses.pop()
            prior = left.clauses if isinstance(left, AnyOf) else (left,)
            clauses.append(AnyOf((*prior, item)))
        elif not run_ended and clauses and (run := _extended(clauses[-1], item)) is not None:
            clauses[-1] = run
        else:
            clauses.append(item)
        join_next = run_ended = False
    if join_next:
        ignored.append("OR ở cuối truy vấn")
    return clauses


def _extended(last: Clause, item: Clause) -> Clause | None:
    """`last` with the Text `item` added to its run (an OR's last side is a run too), or None."""
    if not isinstance(item, Text):
        return None
    if isinstance(last, Text) and last.field == item.field:
        return Text(last.text + " " + item.text, item.field)
    if isinstance(last, AnyOf) and (side := _extended(last.clauses[-1], item)) is not None and isinstance(side, Text):
        return AnyOf((*last.clauses[:-1], side))
    return None
