"""Events: what happens to a subject over its life cycle, and the fold that turns a history
of events into the subject a snapshot check evaluates.

``model`` holds the vocabulary (``Event``, one payload model per event type, ``parse_event``);
``fold`` holds ``apply_event`` and ``fold``. docs/monitor.md tables each event and the
subject fields it sets.
"""

from egovrules.monitoring.events.fold import apply_event, fold
from egovrules.monitoring.events.model import EVENT_TYPES, Event, EventError, Payload, parse_event

__all__ = ["EVENT_TYPES", "Event", "EventError", "Payload", "apply_event", "fold", "parse_event"]
