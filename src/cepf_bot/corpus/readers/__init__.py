"""One reader per format, one signature (a path -> a `Document`), one error contract."""
