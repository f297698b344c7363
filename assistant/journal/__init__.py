"""`togetherly journal`: the couple's year as one self-contained page (`page.py` draws it from `year.py`'s
figures)."""
