"""What was read and where: source spans, the safe YAML/JSON reader, diagnostics and the
errors that carry them. The bottom of the pipeline: it imports nothing of egovrules.
"""
