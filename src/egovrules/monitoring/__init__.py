"""A way out: events in, alerts out as violations arise (``Monitor``), the event vocabulary
and fold (``events``), snapshots (``state``) and ``watch`` checkpoints (``checkpoint``).
"""
