"""Everything between a form and an SMS: rate limits, SMS budgets, destinations and bot checks.

Each defence answers in the same words: a ``Throttle`` (refused or not, for how many seconds,
and the scope that refused) for limits and budgets, a message for the person for a refused
destination or bot check. ``flows`` asks them in order; front ends only show the answer.
"""
