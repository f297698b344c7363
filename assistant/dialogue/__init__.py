"""The dialogue layer: the conversation flows talk through, the live policy (gate, confirmation), the
rituals as flows, and the top-level loop that runs them."""
