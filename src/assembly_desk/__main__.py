"""Allow ``python -m assembly_desk``."""

from assembly_desk.cli import main

raise SystemExit(main())
