"""Plain data and rules: assemblies, people, eligibility, quorum, card codes.

Stdlib only, so the rules can be read and tested without a database or a window.
"""
