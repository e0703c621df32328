"""Imported by indexing's fork server (search/writers.py): loads the segmenter's model once,
so that every forked indexing worker starts with it. A model that cannot be read is left for
the parent to report (the CLI checks it before it starts workers): the fork server stays up."""
from search.analysis.segmenter import SegmenterUnavailable, model

try:
    model()
except SegmenterUnavailable:
    pass
