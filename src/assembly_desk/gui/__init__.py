"""The window volunteers live in: PySide6 screens over the services, nothing else.

Only this package imports Qt. Pages call services through one worker thread (see
``worker.py``) and show plain data; rules and SQL stay in ``services`` and ``domain``.
"""
