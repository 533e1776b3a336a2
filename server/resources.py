"""Where the app's own folders are: content, catalogues, the app shell and postcode tables.

In a clone they sit beside the ``server`` package (``content/``, ``locales/``, ``pwa/``); in an
installed wheel the build maps them inside it (``server/content`` ...). Either way,
``bundled(name)`` finds them through importlib.resources.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CLONE_ROOT = Path(__file__).resolve().parent.parent


def bundled(name: str) -> Path:
    """The folder ``name`` (content, locales or pwa) that ships with the app."""
    packaged = Path(str(files("server"))) / name
    return packaged if packaged.is_dir() else CLONE_ROOT / name
