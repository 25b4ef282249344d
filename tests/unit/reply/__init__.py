"""Tests of the reply wing."""
