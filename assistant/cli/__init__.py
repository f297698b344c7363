"""The `togetherly` command: argument parsing and one module per command group."""
