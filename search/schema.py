"""The Whoosh schema: which fields exist, which analyzer owns each, how they are weighted.

Field layout (why: docs/analysis.md):
- title/body: pyvi words, accented + folded variants at one position (exact and unaccented queries).
- title_syl/body_syl: syllables, accented + folded: phrase matches that do not depend on how pyvi
  segmented a text, so lowercase or unaccented queries still find compounds.
- title_names/body_names: the entity names each syllable field holds in a row, so a name query
  needs no positions (search/analysis/names.py).
- facet fields: plain ids/keywords with stored columns for counting and sorting.
"""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from search.analysis import SyllableAnalyzer, WordAnalyzer
from search.analysis.names import NameMarksTokenizer

# Bump when analysis, extraction or the schema change in a way that needs re-indexing:
# it is part of each article's checksum, so a plain re-run re-indexes everything.
PIPELINE_VERSION = "9"  # 2: one facet name per curated official; the summary is searched (indexed_body); 3: Ð read as Đ, language and place look-alikes (tiếng Anh, Thủ Đức); 4: company, association, bank and hospital heads are not officials; 5: France Football is not France, syllable positions skip at clause breaks (and the name marks with them); 6: Liên Hiệp Quốc is the UN, Mátxcơva Moscow; 7: a closing "Nguồn X: https://..." credit gives the article its link; 8: media, companies, events and districts near a title are not officials, "George W.Bush" keeps its initial, a counterpart ("người đồng cấp") has the office just named; 9: a dateline's place is in capitals ("Trước đó, ngày 5-2" is none)

TITLE_BOOST = 2.5

UNDATED = "undated"  # the `month` value of an article without a full date (a facet bucket)

WORD_FIELDS = ("title", "body")
SYLLABLE_FIELDS = ("title_syl", "body_syl")
FIELD_OF_SYLLABLES = {"title": "title_syl", "body": "body_syl"}
NAMES_FIELD_OF = {"title_syl": "title_names", "body_syl": "body_names"}
SCORED_FIELDS = WORD_FIELDS + SYLLABLE_FIELDS  # the fields queries rank by (BM25F needs their lengths)


def indexed_body(summary: str | None, body: str) -> str:
    """What the body fields index (and snippets and rescoring read): the article's summary (the
    lead an export carries beside the body, "sapo") before its body, unless the body already
    holds it. A reader searches the lead too: in baomoi's export 91 of 100 summaries are not in
    their bodies. The stored body stays the article's own."""
    lead = summary.strip() if summary else ""
    if not lead or lead in body:
        return body
    # held with other spacing: looked for where a lead stands, at the start (every page renders
    # this for its ten hits, so not over the whole body)
    if " ".join(lead.split()) in " ".join(body[: 2 * len(lead) + 200].split()):
        return body
    return f"{lead}\n\n{body}"


def build_schema() -> Schema:
    words = WordAnalyzer()
    syllables = SyllableAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        checksum=ID(stored=False, sortable=True),
        origin=ID(stored=False, sortable=True),  # the file it was read from, absolute: what --prune may remove
        title=TEXT(analyzer=words, stored=True, field_boost=TITLE_BOOST, phrase=False),
        body=TEXT(analyzer=words, stored=True, phrase=False),
        title_syl=TEXT(analyzer=syllables, field_boost=TITLE_BOOST),
        body_syl=TEXT(analyzer=syllables),
        title_names=KEYWORD(analyzer=NameMarksTokenizer()),
        body_names=KEYWORD(analyzer=NameMarksTokenizer()),
        summary=STORED(),
        url=STORED(),
        meta=STORED(),  # JSON: countries and officials with labels, for display
        date=ID(stored=True),  # ArticleDate.iso(), "" when undated
        date_key=ID(sortable=True),  # "YYYY-MM-DD" ("00" for an unknown day); "" when no full year
        month=ID(sortable=True),  # facet value: "2022-01" or UNDATED
        dated=ID(sortable=True),  # "1"/"0": keeps undated articles last in either sort order
        source=ID(stored=True, sortable=True),
        country=KEYWORD(commas=True, scorable=False),  # for filtering
        official=KEYWORD(commas=True, scorable=False),
        country_list=ID(sortable=True),  # the same values as one column, for counting (facets.ListFacet)
        official_list=ID(sortable=True),
    )
