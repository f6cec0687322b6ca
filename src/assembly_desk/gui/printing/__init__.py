"""Printing from the window: cards and paper ballots, each previewed before it is kept.

The PDFs are the ones the ``cards`` and ``ballots`` commands write (``Services.printing``);
the preview shows that file's own pages, so what is saved or printed is what was seen.
"""
