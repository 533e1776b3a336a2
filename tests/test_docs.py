"""The README documents every setting and every command."""

from __future__ import annotations

import click
import pytest

from server.cli import cli
from server.settings import ROOT, describe

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("row", describe(), ids=lambda row: row[0])
def test_every_setting_is_in_the_readme_table(row: tuple[str, str, str, str]) -> None:
    name, env, _default, _description = row
    assert f"| `{env}` |" in README, f"setting {name} ({env}) is missing from README.md"


@pytest.mark.parametrize("row", describe(), ids=lambda row: row[0])
def test_the_readme_shows_each_settings_real_default(row: tuple[str, str, str, str]) -> None:
    _name, env, default, _description = row
    shown = f"`{default}`" if default else "(empty"
    assert f"| `{env}` | {shown}" in README, f"README shows the wrong default for {env}"


def _commands(command: click.Command, prefix: str = "consequences") -> list[str]:
    """Every command in click's tree, with the choices of an ACTION argument (i18n's)."""
    found = []
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found.append(f"{prefix} {name}")
            found.extend(_commands(sub, f"{prefix} {name}"))
    for param in command.params:
        if isinstance(param, click.Argument) and isinstance(param.type, click.Choice):
            found.extend(f"{prefix} {choice}" for choice in param.type.choices)
    return found


def test_the_command_tree_is_walked() -> None:
    commands = _commands(cli)
    assert "consequences staff add" in commands
    assert "consequences i18n compile" in commands
    assert len(commands) >= 18


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert command in README, f"`{command}` is not documented in README.md"


def test_readme_has_the_two_commands() -> None:
    assert "make run" in README
    assert "make test" in README
