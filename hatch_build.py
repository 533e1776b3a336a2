"""Build hook: put the gettext catalogues in the wheel, compiled (.mo files are not committed)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install compiles at start-up, in place
        self._out = tempfile.TemporaryDirectory()
        root = Path(self.root)
        for po in sorted((root / "locales").glob("*/LC_MESSAGES/messages.po")):
            lang = po.parent.parent.name
            with po.open("rb") as f:
                catalog = read_po(f, locale=lang)
            mo = Path(self._out.name) / f"{lang}.mo"
            with mo.open("wb") as out:
                write_mo(out, catalog, use_fuzzy=False)
            target = f"server/locales/{lang}/LC_MESSAGES"
            build_data["force_include"][str(po)] = f"{target}/messages.po"
            build_data["force_include"][str(mo)] = f"{target}/messages.mo"
            # Which strings a fluent speaker has checked (server.i18n reads it beside the .po).
            reviewed = root / "locales" / lang / "reviewed.yaml"
            if reviewed.is_file():
                build_data["force_include"][str(reviewed)] = f"server/locales/{lang}/reviewed.yaml"
        build_data["force_include"][str(root / "locales" / "messages.pot")] = (
            "server/locales/messages.pot"
        )

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if hasattr(self, "_out"):
            self._out.cleanup()
