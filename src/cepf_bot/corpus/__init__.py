"""Folder -> documents -> passages with stable ids: the corpus folder, one reader per format
(`readers/`), translations, and placing an uploaded file."""
