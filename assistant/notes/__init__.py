"""What the couple keeps: the notes file's models, the changes made to it, the durable store, and how notes
are selected, shown, exported and forgotten."""
