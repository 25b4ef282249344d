"""`python -m cepf_bot` is the `cepf-bot` command."""

from .cli import main

raise SystemExit(main())
