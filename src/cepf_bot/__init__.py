"""cepf-bot: answers questions about CBCGDF (中国绿发会) from its own published profile."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cepf-bot")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0+unknown"
