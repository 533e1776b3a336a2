"""The `consequences` command's help, usage errors and exit codes, through click's runner."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from server.cli import cli, main
from server.settings import ROOT

COMMANDS = ("serve", "content", "services", "postcodes", "i18n", "pwa", "reports", "staff")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_help_lists_every_command(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"], prog_name="consequences")
    assert 0 == result.exit_code
    assert "Usage: consequences [OPTIONS] COMMAND [ARGS]..." in result.output
    assert "Consequences cards, help finder and anonymous reporting." in result.output
    for command in COMMANDS:
        assert f"  {command} " in result.output, command


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["serve"], ["--host", "--port INTEGER", "--workers INTEGER", "--data-dir DIR"]),
        (["content", "check"], ["--content-dir DIR", "report every problem in content/"]),
        (
            ["services", "import"],
            ["FILE_OR_DIR", "--replace", "--if-empty", "--source TEXT", "--data-dir DIR"],
        ),
        (["postcodes", "import"], ["FILE...", "--data-dir DIR"]),
        (["i18n"], ["extract", "update", "compile", "stats", "review"]),
        (["i18n", "stats"], ["--locales-dir DIR", "safety-critical strings first"]),
        (
            ["i18n", "review"],
            ["LANG", "--role TEXT", "--card ID", "--safety-critical", "--all", "--locales-dir DIR"],
        ),
        (["pwa", "precache"], ["--check", "--pwa-dir DIR", "exit 1 if stale"]),
        (["reports", "purge"], ["--data-dir DIR", "retention period"]),
        (
            ["staff", "add"],
            ["USERNAME", "--role [lead|deputy|reviewer|admin]", "--email", "--data-dir DIR"],
        ),
        (["staff", "reset-2fa"], ["USERNAME", "--data-dir DIR"]),
        (["audit", "verify"], ["--data-dir DIR"]),
        (["staff", "remove"], ["USERNAME", "--data-dir DIR"]),
        (["staff", "list"], ["--data-dir DIR"]),
    ],
)
def test_each_command_documents_its_arguments(
    runner: CliRunner, args: list[str], expected: list[str]
) -> None:
    result = runner.invoke(cli, [*args, "--help"], prog_name="consequences")
    assert 0 == result.exit_code, result.output
    assert f"Usage: consequences {' '.join(args)} " in result.output
    for text in expected:
        assert text in result.output, text


def test_short_help_option(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["-h"]).output == runner.invoke(cli, ["--help"]).output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert 0 == result.exit_code
    from server import __version__

    assert __version__ == result.output.strip()


def test_icons_are_not_a_command_of_the_app(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["pwa", "icons"])
    assert 2 == result.exit_code
    assert "No such command 'icons'" in result.output


def test_main_returns_usage_errors_as_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert 2 == main(["no-such-command"])
    assert "No such command 'no-such-command'" in capsys.readouterr().err
    assert 2 == main(["i18n", "translate"])
    assert 2 == main(["staff", "add", "kim", "--role", "owner"])
    assert 0 == main(["--help"])


def test_a_missing_feed_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    assert 2 == main(["services", "import", str(missing), "--data-dir", str(tmp_path / "d")])
    assert f"{missing}: no such file or folder" in capsys.readouterr().err


def test_data_dir_may_come_before_or_after_the_arguments(tmp_path: Path) -> None:
    feed = str(ROOT / "content" / "demo" / "luton.json")
    data = str(tmp_path / "data")
    assert 0 == main(["services", "import", "--data-dir", data, feed, "--source", "demo"])
    assert 0 == main(["services", "import", feed, "--if-empty", "--data-dir", data])


# -- the icon drawing, a development script outside the app


def _icon_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("draw_icons", ROOT / "scripts" / "draw_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_icon_script_draws_the_committed_icons(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(_icon_script().main, ["--pwa-dir", str(tmp_path)])
    assert 0 == result.exit_code, result.output
    committed = ROOT / "pwa" / "assets" / "icons"
    drawn = sorted((tmp_path / "assets" / "icons").iterdir())
    assert ["icon-192.png", "icon-512.png", "icon-maskable-512.png"] == [p.name for p in drawn]
    for path in drawn:
        assert (committed / path.name).read_bytes() == path.read_bytes(), path.name
        assert f"Wrote {path}" in result.output


def test_the_runtime_package_has_no_png_encoder() -> None:
    assert not (ROOT / "server" / "icons.py").exists()
