"""cepf-bot: answers questions about CBCGDF (中国绿发会) from its own published profile."""

# The one place the version is written (pyproject.toml reads it from here): a constant rather
# than importlib.metadata, which costs 45 ms of every cold `cepf-bot ask`.
__version__ = "0.1.0"
