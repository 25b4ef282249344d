"""Passages -> an index on disk and back: building, the term cache, BM25 postings and scoring,
the store (generations, checksums, lock; no pickle), passages decoded lazily."""
