"""``python -m bot`` is the same as ``welcomebot``."""

from bot.cli import main

raise SystemExit(main())
