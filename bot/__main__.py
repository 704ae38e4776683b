"""`python -m bot` is `replyminder`."""

from bot.cli import main

raise SystemExit(main())
