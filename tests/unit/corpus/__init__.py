"""Tests of the corpus wing."""
