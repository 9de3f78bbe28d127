"""Jobs that run beside the handlers: the daily digest and the FAQ reload/watch."""
