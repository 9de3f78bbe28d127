"""``python -m bot`` is the same as ``welcomebot``."""

from bot.cli.main import main

raise SystemExit(main())
