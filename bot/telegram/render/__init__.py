"""HTML for Telegram: answers for users (:mod:`.answers`) and staff views (:mod:`.staff`)."""
