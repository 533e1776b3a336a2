"""Serve an app factory the way `consequences serve` serves the app, for the baselines.

Run: python -m bench.serve MODULE:FACTORY --port 8000 [--workers 1] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import os

from server.cli import run_server
from server.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("factory")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    settings = Settings.load(
        {"port": args.port, "workers": args.workers, "data_dir": args.data_dir}
    )
    # Workers are separate processes that build the app from the environment.
    os.environ.update(settings.to_environ())
    run_server(args.factory, settings)


if __name__ == "__main__":
    main()
