"""Togetherly's language data (phrases, responses, question decks), installed as `assistant.lang`.

A real package, not a namespace one, so `importlib.resources.files()` gives its own folder (a path in
a normal install, a zip entry in a zipped one) rather than a MultiplexedPath.
"""
