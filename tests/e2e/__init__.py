"""End-to-end tests: CLI subprocesses, the bot over the fake Bot API, the webhook, faults."""
