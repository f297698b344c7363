"""all-MiniLM-L6-v2's tokenizer, shipped as package data (see NOTICE)."""
