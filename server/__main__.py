"""Run the command-line tool as `python -m server`."""

from server.cli import main

raise SystemExit(main())
