"""Sound as numbers: sample values and WAV files, sources (microphone, WAV files), sinks (sound card, WAV
files), voice activity, the endpointer that finds where an utterance ends, and the chimes."""
