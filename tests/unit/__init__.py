"""Unit tests: one folder per wing, no subprocesses, no bots; `pytest -m "not e2e"`."""
