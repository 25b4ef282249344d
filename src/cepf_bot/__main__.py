"""`python -m cepf_bot` is the `cepf-bot` command."""

from cepf_bot.cli import main

raise SystemExit(main())
