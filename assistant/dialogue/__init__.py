"""The dialogue layer: the conversation context flows talk through, and the top-level loop."""
