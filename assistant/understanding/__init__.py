"""Meaning from words: the phrase data, normalization and numbers, the fuzzy matcher and the learned
stage (n-grams and sentence embeddings) behind it."""
