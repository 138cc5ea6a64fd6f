"""The application service: what happens when a person asks for a code, or types one.

``challenges`` starts, resends and judges codes under the defences; ``code_step.CodeStep`` is a
code page's state in the session; ``signin``, ``two_factor``, ``phone_change`` and ``confirm``
finish each purpose. No HTTP response and no template here: the front ends (``views``, ``api``)
turn the answers into pages and JSON.
"""
