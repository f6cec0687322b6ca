"""Pieces more than one screen uses: the database worker, banners, the scan field, sounds,
tables, file dialogs, the counts panel, the walk-in form and the rounds table.

Nothing here knows which screen it sits on; screens import from here, never from each other.
"""
