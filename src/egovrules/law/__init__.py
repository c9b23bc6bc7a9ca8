"""The legal vocabulary every stage shares: ``Citation`` (where the law says it), ``Severity``
and ``Outcome`` (what a rule says of a subject), and China's working-day calendar.
"""
