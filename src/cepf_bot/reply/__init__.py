"""`Results` -> what a person reads, for a `Locale`: interface texts, composed replies,
Telegram HTML, highlighting, terminal output, tables. No Telegram types; never the engine."""
