"""Use cases: one function per user action, each taking a unit of work, returning plain data.

The window and the command line call the same functions, so the demo and the tests
exercise exactly what a volunteer's clicks do.
"""
