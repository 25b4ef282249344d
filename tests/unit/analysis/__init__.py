"""Tests of the analysis wing."""
