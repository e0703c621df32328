"""Query side: lenient parsing, building Whoosh queries from the index vocabulary, suggestions."""
