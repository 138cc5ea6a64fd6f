"""Everything between a form and an SMS: rate limits, SMS budgets, destinations and bot checks.

Each defence answers in the same words: None to go on, or a ``refusal.Refusal`` saying which
defence refused, how long waiting takes (0 when waiting does not help) and, where it has one,
its own sentence for the person. ``flows`` asks them in order; front ends only show the answer:
a temporary refusal is a 429 with ``Retry-After``, any other a 400 with a sentence.
"""
