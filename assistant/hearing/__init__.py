"""Words from sound: the `Recognizer` protocol and its engines (Whisper, pocketsphinx, Vosk), the listener
that turns an audio source into utterances, barge-in while we speak, and the downloadable models."""
