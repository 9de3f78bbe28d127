"""The ``welcomebot`` command line; :mod:`bot.cli.main` parses and imports a command's module
only when that command runs."""
