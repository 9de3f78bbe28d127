"""Handoff to a person (:mod:`.state`: the typed per-user state; :mod:`.consent`: opening;
:mod:`.relay`: the open conversation): /contact or "talk to a person" in a private chat, with a staff chat.

1. The bot asks for consent: send the question anonymously, send it with the first name, or
   cancel. The question is the user's last unanswered one (the question behind a "did you
   mean", or an "I don't know"; kept in the database for 30 minutes, like the pending consent,
   so a restart loses neither), else the bot asks them to type it.
2. The question goes to the staff chat with its language and a handoff number, and the first
   name only when the user chose to share it; never a username or Telegram id. The storage
   keeps the link from that staff-chat message to the user's chat (``open_handoff``) until
   the retention purge or /forget.
3. A staff member replies to that message (or to any of the bot's messages of the handoff:
   they all start with ``Handoff #N``) and the bot relays the text, escaped, to exactly that
   user, as from the welcome team. The user's further messages go to the staff chat as
   replies to the question, until either side ends it: /end in reply by staff, the "end
   conversation" button by the user. Both sides are told.

A user opens at most ``HANDOFFS_PER_DAY`` handoffs a day. An open handoff that nobody closed
stops catching the user's messages after :data:`OPEN_FOR`.

Texts for the user go through gettext; texts in the staff chat are English.
"""

from bot.telegram.handlers.handoff.consent import available, offer, remember_unanswered
from bot.telegram.handlers.handoff.relay import intercept, register

__all__ = ["available", "intercept", "offer", "register", "remember_unanswered"]
