"""FAQ knowledge for the Leiden welcome bot: pure Python, no Telegram and no database.

Modules: ``models`` (data types), ``loader`` (YAML tree → models, with errors that name file,
line and field), ``normalise`` (text folding), ``matcher`` (scoring), ``safety`` (crisis
triggers), ``smalltalk``, ``decision`` (answer / clarify / unanswered), ``language`` (which
language a question is written in), ``lint`` (staff checks), ``evaluation`` (dev-set figures),
``cache`` (derived artefacts kept between processes), ``prepared`` (tree + index via the cache).
"""

from faq.models import LANGUAGES, Entry, FaqTree, Translation

__all__ = ["LANGUAGES", "Entry", "FaqTree", "Translation"]
