"""The Telegram side: the PTB application, run modes, delivery, jobs, callback data,
rendering and handlers. Nothing outside this package imports ``telegram``."""
