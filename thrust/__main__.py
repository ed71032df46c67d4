"""Entry point of `python -m thrust`: see thrust.cli for the commands."""

from thrust.cli import main

raise SystemExit(main())
