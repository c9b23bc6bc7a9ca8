"""A pack file as data: its pydantic models, its JSON Schema, the concept vocabulary, the
text normalization its quotes go through, and where the bundled packs are.
"""
