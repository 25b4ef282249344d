"""Tests of the index wing."""
