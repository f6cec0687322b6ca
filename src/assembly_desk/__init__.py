"""Assembly Desk: run in-person village assemblies and centre-head selections.

The package is layered (see docs/architecture.md): ``gui`` on top, then ``services``,
``counting``/``audit``/``documents``/``importers``, ``persistence``, and ``domain`` at
the bottom. Imports point down only; ``tests/test_layers.py`` enforces it.
"""

__version__ = "0.1.0"
