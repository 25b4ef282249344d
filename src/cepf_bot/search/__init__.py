"""A question -> `Results`: reading the question, spelling, the verdict, the answer sentence,
the English gloss, and the conversation (follow-ups, small talk, suggestions)."""
