"""Text -> terms: the same chain for passages and questions (segmenting, numerals, script,
the general lexicon, the corpus's vocabulary, query expansion, English forms and pinyin)."""
