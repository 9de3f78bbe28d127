"""The safety layer: decides, before anything else, whether a message is a crisis.

- :mod:`faq.safety.phrases`: the staff's trigger phrases (``safety.yaml``), typo-tolerant;
- :mod:`faq.safety.grammar`: per-language compositional rules by crisis category
  (``safety/grammar/<lang>.yaml``);
- :mod:`faq.safety.model`: a learned classifier trained at load time on the crisis corpus
  (``safety/corpus/<lang>.yaml``);
- :mod:`faq.safety.detector`: combines the three into a tier (crisis, check-in, none), a
  category and the language that fired.
"""

from faq.safety.phrases import SafetyCheck

__all__ = ["SafetyCheck"]
