"""Ready-made analysis chains. Each index field owns one; queries and highlights reach it
through the schema, so indexing, querying and highlighting cannot disagree."""
from __future__ import annotations

from whoosh.analysis import Analyzer

from search.analysis.filters import VietnameseFormsFilter
from search.analysis.tokenizers import SyllableTokenizer, WordTokenizer


def WordAnalyzer() -> Analyzer:
    """pyvi words, lowercased, canonical tones, plus folded variants: "Đàm phán" -> đàm_phán, dam_phan."""
    return WordTokenizer() | VietnameseFormsFilter()


def SyllableAnalyzer() -> Analyzer:
    """Single syllables with folded variants: the fallback when words were segmented differently."""
    return SyllableTokenizer() | VietnameseFormsFilter()
