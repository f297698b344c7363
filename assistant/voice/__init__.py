"""Speech out: the `Speaker` protocol and its speakers, synthesis (Piper, the system voice) and the cache of
fixed lines as audio."""
