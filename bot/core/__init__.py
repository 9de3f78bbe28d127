"""What answers and records, independent of Telegram: the desk, settings, interface texts,
recording, drafts, the digest's content and text helpers."""
