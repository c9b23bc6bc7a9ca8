"""A way out for pack authors: ``lint``, the pack's own tests (``testing``) and the generated
pages (``pages``).
"""
