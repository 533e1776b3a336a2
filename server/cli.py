"""The `consequences` command: serve the app, check content, manage translations and data."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from server import __version__
from server.settings import ROOT, Settings, SettingsError

if TYPE_CHECKING:
    import sqlite_utils

    from server.reports.sealing import Keyring
    from server.staff import StaffService


def _settings(data_dir: str | None, **extra: object) -> Settings:
    return Settings.load({"data_dir": data_dir, **extra})


data_dir_option = click.option(
    "--data-dir",
    metavar="DIR",
    default=None,
    help="folder for the SQLite files (default ./data, or CONSEQUENCES_DATA_DIR)",
)


def _err(message: str) -> None:
    click.echo(message, err=True)


@click.group(
    name="consequences",
    help="Consequences cards, help finder and anonymous reporting.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", message="%(version)s")
def cli() -> None:
    pass


# -- serve


@cli.command(help="start the web app")
@click.option("--host", help="address to listen on (default 127.0.0.1)")
@click.option("--port", type=int, help="port to listen on (default 8000)")
@click.option("--workers", type=int, help="number of worker processes (default 1)")
@data_dir_option
def serve(host: str | None, port: int | None, workers: int | None, data_dir: str | None) -> int:
    from server.migrations import migrate

    settings = _settings(data_dir, host=host, port=port, workers=workers)
    # Workers are separate processes that build the app from the environment.
    os.environ.update(settings.to_environ())
    migrate(settings.data_path)
    _warn_without_postcodes(settings.data_path)
    run_server("server.app:create_app", settings)
    return 0


def run_server(factory: str, settings: Settings) -> None:
    """Uvicorn as the app runs: with its header limits, and no access log.

    The benchmarks run their baselines through this too, so both sides of a ratio are
    served the same way."""
    import uvicorn

    from server.protocol import GuardedHttpToolsProtocol
    from server.security import logging_config

    uvicorn.run(
        factory,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        http=GuardedHttpToolsProtocol,
        timeout_keep_alive=settings.keep_alive_seconds,
        limit_concurrency=settings.max_connections,
        log_config=logging_config(settings.log_level),
        access_log=False,  # the access log would write each client's address
        proxy_headers=False,
        server_header=False,
    )


def _warn_without_postcodes(data_dir: Path) -> None:
    import logging

    from server.db import connect
    from server.postcodes import missing_tables_warning

    db = connect(data_dir / "directory.db")
    try:
        warning = missing_tables_warning(db, data_dir)
    finally:
        db.conn.close()
    if warning:
        logging.basicConfig(format="%(levelname)s:     %(message)s")
        logging.getLogger("server").warning(warning)


# -- backups


@cli.command(help="copy every database, consistently, while the server keeps running")
@click.argument("dest", metavar="DEST_DIR")
@click.option("--with-secrets", is_flag=True, help="also copy the secrets (keep that copy safe)")
@data_dir_option
def backup(dest: str, with_secrets: bool, data_dir: str | None) -> int:
    from server.backup import BackupError, backup

    settings = _settings(data_dir)
    try:
        done = backup(
            settings.data_path, settings.secrets_path, Path(dest), with_secrets=with_secrets
        )
    except (BackupError, OSError, sqlite3.Error) as exc:
        _err(f"Backup failed: {exc}")
        return 1
    click.echo(f"Backed up {', '.join(done.databases) or 'no databases'} to {dest}")
    if with_secrets:
        click.echo(
            f"With the secrets ({', '.join(done.secrets) or 'none yet'}): keep this copy safe."
        )
    else:
        click.echo(
            f"The secrets in {settings.secrets_path} were not copied: back them up separately "
            "(e.g. --with-secrets to a different place), as without them the follow-up codes "
            "already given out cannot be checked."
        )
    return 0


@cli.command(help="put a backup into a data folder")
@click.argument("src", metavar="SRC_DIR")
@click.option("--force", is_flag=True, help="replace the databases of a data folder in use")
@data_dir_option
def restore(src: str, force: bool, data_dir: str | None) -> int:
    from server.backup import BackupError, restore

    settings = _settings(data_dir)
    try:
        done = restore(Path(src), settings.data_path, settings.secrets_path, force=force)
    except (BackupError, OSError, sqlite3.Error) as exc:
        _err(f"Restore failed: {exc}")
        return 1
    click.echo(f"Restored {', '.join(done.databases)} into {settings.data_path}")
    if not done.secrets:
        click.echo(
            f"No secrets in the backup: put the backed-up secrets in {settings.secrets_path}."
        )
    return 0


# -- content


@cli.group(help="check the cards, helplines and glossary")
def content() -> None:
    pass


@content.command(help="report every problem in content/")
@click.option("--content-dir", metavar="DIR", help="default ./content")
def check(content_dir: str | None) -> int:
    from server.content import check_everything

    folder = Path(content_dir or Settings.load().content_dir)
    loaded, problems = check_everything(folder)
    for error in problems:
        _err(f"{folder / error.file}: {error.field}: {error.message}")
    if problems:
        _err(f"{len(problems)} problem(s) found.")
        return 1
    click.echo(
        f"OK: {len(loaded.cards)} cards, {len(loaded.helplines)} helplines, "
        f"{len(loaded.glossary)} glossary entries."
    )
    return 0


@content.command(help="record that a card was checked: its hash, today's date and your role")
@click.argument("card_id", metavar="CARD_ID")
@click.option("--role", required=True, help="the reviewer's role, not a name")
@click.option("--content-dir", metavar="DIR", help="default ./content")
def review(card_id: str, role: str, content_dir: str | None) -> int:
    from server.content import ReviewRefused, record_review

    folder = Path(content_dir or Settings.load().content_dir)
    try:
        recorded = record_review(folder, card_id, role)
    except ReviewRefused as exc:
        _err(str(exc))
        return 1
    click.echo(
        f"Recorded: {card_id} reviewed {recorded.reviewed_on} by {recorded.role} ({recorded.hash})."
    )
    return 0


# -- i18n


def _babel(*argv: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    # From the project root, so that source locations in the catalogues are relative.
    with contextlib.chdir(ROOT):
        CommandLineInterface().run(["pybabel", "-q", *argv])


def extract_pot(output: Path) -> None:
    """Extract every UI and content string into a .pot file, safety-critical ones marked."""
    from server.content import load_or_raise
    from server.translation_reviews import mark_template, safety_critical

    _babel(
        "extract",
        "-F",
        str(ROOT / "pyproject.toml"),
        "-o",
        str(output),
        "--project",
        "Consequences Card",
        "--version",
        __version__,
        "--msgid-bugs-address",
        "translations@consequences.card",
        "--copyright-holder",
        "Consequences Card contributors",
        "--width",
        "100",
        ".",
    )
    # Translators see which strings are safety-critical (the rule: server.translation_reviews).
    mark_template(output, safety_critical(load_or_raise(ROOT / "content")))


def _without_date(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "POT-Creation-Date" not in line)


locales_dir_option = click.option(
    "--locales-dir", metavar="DIR", help="default ./locales, or CONSEQUENCES_LOCALES_DIR"
)


def _locales(locales_dir: str | None) -> Path:
    return Path(locales_dir or Settings.load().locales_dir)


@cli.group(help="extract, update, compile, count and review translations")
def i18n() -> None:
    pass


@i18n.command(help="extract UI strings and card text into messages.pot")
@locales_dir_option
def extract(locales_dir: str | None) -> int:
    from server.i18n import DOMAIN

    locales = _locales(locales_dir)
    pot = locales / f"{DOMAIN}.pot"
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "messages.pot"
        extract_pot(fresh)
        new = fresh.read_text(encoding="utf-8")
    old = pot.read_text(encoding="utf-8") if pot.exists() else ""
    if _without_date(old) != _without_date(new):
        pot.write_text(new, encoding="utf-8")
        click.echo(f"Updated {pot}")
    else:
        click.echo(f"{pot} is up to date")
    return 0


@i18n.command(help="bring every language's catalogue in step with messages.pot")
@locales_dir_option
def update(locales_dir: str | None) -> int:
    from server.i18n import DOMAIN, SOURCE_LANGUAGE, SUPPORTED, po_path

    locales = _locales(locales_dir)
    pot = locales / f"{DOMAIN}.pot"
    for lang in SUPPORTED:
        if lang == SOURCE_LANGUAGE:
            continue
        po = po_path(locales, lang)
        command = "update" if po.exists() else "init"
        extra = ["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else []
        _babel(command, "-i", str(pot), "-d", str(locales), "-l", lang, "-w", "100", *extra)
    click.echo(f"Catalogues updated from {pot}")
    return 0


@i18n.command(name="compile", help="compile the catalogues to .mo files")
@locales_dir_option
def compile_(locales_dir: str | None) -> int:
    from server.i18n import compile_catalogues

    written = compile_catalogues(_locales(locales_dir), force=True)
    click.echo(f"Compiled {len(written)} catalogue(s).")
    return 0


@i18n.command(help="how much is translated, and reviewed: safety-critical strings first")
@locales_dir_option
def stats(locales_dir: str | None) -> int:
    return _stats(_locales(locales_dir))


@i18n.command(
    name="review",
    help="record that a fluent speaker checked strings of one language, as they are now",
)
@click.argument("lang", metavar="LANG")
@click.option(
    "--role", required=True, help="the reviewer's role, e.g. 'fluent speaker', not a name"
)
@click.option("--card", "card_id", metavar="ID", help="every string of this card")
@click.option("--safety-critical", "safety", is_flag=True, help="every safety-critical string")
@click.option("--all", "everything", is_flag=True, help="every string in the catalogue")
@locales_dir_option
def review_strings(
    lang: str,
    role: str,
    card_id: str | None,
    safety: bool,
    everything: bool,
    locales_dir: str | None,
) -> int:
    from server.content import load_or_raise
    from server.translation_reviews import (
        ReviewNotRecorded,
        record_string_reviews,
        select_strings,
    )

    locales = _locales(locales_dir)
    try:
        content = load_or_raise(Path(Settings.load().content_dir))
        selection = select_strings(content, card_id=card_id, safety=safety, everything=everything)
        recorded, untranslated = record_string_reviews(locales, lang, role, selection)
    except ReviewNotRecorded as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Recorded: {recorded} string(s) of '{lang}' reviewed by {role}.")
    if untranslated:
        click.echo(f"Left out {untranslated} string(s) not yet translated.")
    return 0


def _stats(locales: Path) -> int:
    from babel.messages.pofile import read_po

    from server.content import load_or_raise
    from server.i18n import SOURCE_LANGUAGE, SUPPORTED, po_path
    from server.translation_reviews import review_states

    states = {
        s.lang: s for s in review_states(locales, load_or_raise(Path(Settings.load().content_dir)))
    }
    click.echo("Safety-critical strings (999, Childline, first aid, quick exit) reviewed:")
    for state in states.values():
        mark = "yes" if state.critical_reviewed == state.critical_total else "NO"
        click.echo(
            f"  {state.lang:6} {state.critical_reviewed:>4} of {state.critical_total:<4} {mark}"
        )
    click.echo("")
    problems = 0
    click.echo(
        f"{'lang':6} {'translated':>10} {'fuzzy':>6} {'missing':>8} {'errors':>7} {'reviewed':>9}"
    )
    for lang in SUPPORTED:
        if lang == SOURCE_LANGUAGE:
            continue
        with po_path(locales, lang).open("rb") as f:
            catalog = read_po(f, locale=lang)
        messages = [m for m in catalog if m.id]
        fuzzy = sum(1 for m in messages if m.fuzzy)
        missing = sum(1 for m in messages if not m.string)
        errors = list(catalog.check())
        problems += fuzzy + missing + len(errors)
        state = states[lang]
        click.echo(
            f"{lang:6} {len(messages) - missing - fuzzy:>10} {fuzzy:>6} {missing:>8} "
            f"{len(errors):>7} {state.reviewed:>4}/{state.total:<4}"
        )
    return 1 if problems else 0


# -- pwa


@cli.group(help="build the app shell's precache list")
def pwa() -> None:
    pass


@pwa.command(help="write pwa/precache.json (every shell file with its content hash)")
@click.option("--check", is_flag=True, help="only check it is current; exit 1 if stale")
@click.option("--pwa-dir", metavar="DIR", help="default ./pwa")
def precache(check: bool, pwa_dir: str | None) -> int:
    from server.precache import PRECACHE_FILE, precache_is_current, write_precache

    folder = Path(pwa_dir or Settings.load().pwa_dir)
    if check:
        if precache_is_current(folder):
            click.echo(f"{folder / PRECACHE_FILE} is up to date")
            return 0
        _err(f"{folder / PRECACHE_FILE} is stale: run `consequences pwa precache`")
        return 1
    click.echo(f"Wrote {write_precache(folder)}")
    return 0


# -- reports and staff


@cli.group(help="look after the anonymous reports")
def reports() -> None:
    pass


@reports.command(help="delete reports past the retention period now (also done hourly)")
@data_dir_option
def purge(data_dir: str | None) -> int:
    from server.migrations import migrate
    from server.reports import open_store

    settings = _settings(data_dir)
    migrate(settings.data_path)
    store = open_store(settings)
    try:
        result = store.purge()
    finally:
        store.close()
    click.echo(
        f"Deleted {result.reports} report(s) older than {settings.report_retention_days} days, "
        f"{result.idempotency_keys} old retry key(s) and {result.staff_sessions} expired "
        "staff session(s)."
    )
    return 0


def _read_password() -> str:
    """From a prompt on a terminal (asked twice), else the first line of standard input."""
    import getpass

    if sys.stdin.isatty():
        first = getpass.getpass("Password (at least 12 characters): ")
        if getpass.getpass("Same password again: ") != first:
            raise ValueError("The two passwords are different.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


@cli.group(help="manage the staff who read reports")
def staff() -> None:
    pass


@contextlib.contextmanager
def _staff_service(data_dir: str | None) -> Iterator[StaffService]:
    from server.migrations import migrate
    from server.staff import StaffService

    settings = _settings(data_dir)
    migrate(settings.data_path)
    service = StaffService(settings.data_path / "reports.db")
    try:
        yield service
    finally:
        service.close()


@staff.command(help="add an account; the password comes from a prompt or standard input")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["lead", "deputy", "reviewer", "admin"]),
    default="reviewer",
    help="lead (the DSL), deputy, reviewer, or admin (accounts and settings)",
)
@click.option("--email", default="", help="address for notifications (they carry no content)")
@data_dir_option
def add(username: str, role: str, email: str, data_dir: str | None) -> int:
    from server.staff import StaffError

    with _staff_service(data_dir) as service:
        try:
            password = _read_password()
            enrolment = service.add("cli", username, password, role, email)
        except (StaffError, ValueError) as exc:
            _err(str(exc))
            return 1
        recovery = _enrol(data_dir, username, password)
    account = enrolment.account
    click.echo(f"Added {account.username} ({account.role}).")
    if recovery:
        _show_recovery(recovery)
    _echo_enrolment(enrolment.totp_uri)
    return 0


def _echo_enrolment(uri: str) -> None:
    click.echo(
        "Hand this authenticator set-up to them privately; it is shown only now "
        "(the staff page also shows it as a QR code at their first sign-in):"
    )
    click.echo(uri)


@staff.command(name="reset-2fa", help="give an account a new authenticator set-up")
@click.argument("username")
@data_dir_option
def reset_2fa(username: str, data_dir: str | None) -> int:
    with _staff_service(data_dir) as service:
        enrolment = service.reset_second_factor("cli", username)
    if enrolment is None:
        _err(f"There is no account called {username}.")
        return 1
    click.echo(
        f"{username} has a new authenticator set-up; their recovery codes and sign-ins have ended."
    )
    _echo_enrolment(enrolment.totp_uri)
    return 0


@contextlib.contextmanager
def _keyring(data_dir: str | None) -> Iterator[Keyring]:
    from server.db import ThreadLocalDatabase
    from server.reports.sealing import Keyring as KeyringClass

    settings = _settings(data_dir)
    db = ThreadLocalDatabase(settings.data_path / "reports.db", synchronous="FULL")
    try:
        yield KeyringClass(db, settings.secrets_path)
    finally:
        db.close()


def _enrol(data_dir: str | None, username: str, password: str) -> str | None:
    """The new account's own key pair (sealed reports); the recovery key for the first admin."""
    with _keyring(data_dir) as keyring:
        recovery: str | None = keyring.enrol(username, password)
        return recovery


def _show_recovery(recovery: str) -> None:
    click.echo(
        "\nRECOVERY KEY for the sealed reports. It is shown only this once. Write it down and "
        "keep it\nlocked away (not on this server): if every staff password is lost, it is the "
        "only way to\nread the reports (consequences keys rotate --recovery).\n"
    )
    click.echo(recovery)
    click.echo("")


@cli.group(help="the team key that seals the reports")
def keys() -> None:
    pass


@keys.command(
    help="make a new team key, re-seal every report with it and print a new recovery key; "
    "opened with a staff member's password (--username) or the recovery key (--recovery), "
    "read from a prompt or standard input"
)
@click.option("--username", help="a staff member who can read the reports")
@click.option("--recovery", is_flag=True, help="open the team key with the recovery key")
@data_dir_option
def rotate(username: str | None, recovery: bool, data_dir: str | None) -> int:
    from server.migrations import migrate

    if bool(username) == recovery:
        _err("Give either --username NAME or --recovery.")
        return 1
    migrate(_settings(data_dir).data_path)
    with _keyring(data_dir) as keyring:
        secret = _read_secret("Recovery key: " if recovery else "Password: ")
        try:
            team = (
                keyring.unlock_with_recovery(secret)
                if recovery
                else keyring.unlock(username or "", secret)
            )
        except ValueError as exc:
            _err(str(exc))
            return 1
        if not team:
            _err("That does not open the team key: check the username and password.")
            return 1
        key_id, new_recovery = keyring.rotate(team)
    click.echo(f"Every report and message is now sealed with team key {key_id}.")
    click.echo("Staff must sign in again; the old recovery key no longer works.")
    _show_recovery(new_recovery)
    return 0


def _read_secret(prompt: str) -> str:
    import getpass

    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


@staff.command(help="remove an account and end its sign-ins")
@click.argument("username")
@data_dir_option
def remove(username: str, data_dir: str | None) -> int:
    from server.staff import OwnsOpenReports

    with _staff_service(data_dir) as service:
        try:
            removed = service.remove("cli", username)
        except OwnsOpenReports as exc:
            _err(exc.message)
            return 1
        if not removed:
            _err(f"There is no account called {username}.")
            return 1
    click.echo(f"Removed {username}; their sign-ins have ended.")
    return 0


@staff.command(name="list", help="list the accounts")
@data_dir_option
def list_accounts(data_dir: str | None) -> int:
    with _staff_service(data_dir) as service:
        accounts = service.accounts()
    for account in accounts:
        second = "2FA on" if account.second_factor else "2FA not set up"
        click.echo(f"{account.username:40} {account.role:9} added {account.created_on}  {second}")
    if not accounts:
        click.echo("No staff accounts yet: add one with `consequences staff add NAME`.")
    return 0


@cli.group(help="the audit log that cannot be rewritten")
def audit() -> None:
    pass


@audit.command(help="check the audit log's hash chain; exit 1 naming the first broken row")
@data_dir_option
def verify(data_dir: str | None) -> int:
    from server.audit import verify_file

    path = _settings(data_dir).data_path / "reports.db"
    if not path.exists():
        _err(f"There is no reports.db in {path.parent}.")
        return 1
    checked, broken = verify_file(path)
    if broken is not None:
        _err(f"The audit log is broken at row {broken.row_id}: {broken.reason}.")
        return 1
    click.echo(f"The audit log is whole: {checked} row(s) checked.")
    return 0


# -- the help finder's directory and postcode tables


def _directory_db(data_dir: str | None) -> sqlite_utils.Database:
    from server.db import connect
    from server.migrations import migrate

    settings = _settings(data_dir)
    migrate(settings.data_path)
    return connect(settings.data_path / "directory.db")


@cli.group(help="the help finder's directory of services")
def services() -> None:
    pass


@services.command(
    name="import",
    help="import an Open Referral UK feed (v1 or 3.0 JSON) or our CSV template",
)
@click.argument("path", metavar="FILE_OR_DIR")
@click.option("--replace", is_flag=True, help="remove services that are not in this feed")
@click.option("--if-empty", is_flag=True, help="import only when the directory is empty")
@click.option("--source", help="name for this feed (default: the file or folder name)")
@data_dir_option
def import_services(
    path: str, replace: bool, if_empty: bool, source: str | None, data_dir: str | None
) -> int:
    from server.directory.importer import import_feed, service_count
    from server.oruk import FeedError

    feed = Path(path)
    if not feed.exists():
        _err(f"{feed}: no such file or folder")
        return 2
    db = _directory_db(data_dir)
    try:
        if if_empty and service_count(db):
            click.echo(f"The directory already has {service_count(db)} services; nothing imported.")
            return 0
        try:
            report = import_feed(db, feed, source=source, replace=replace)
        except FeedError as exc:
            _err(f"{feed}: {exc}")
            return 1
    finally:
        db.conn.close()
    for line in report.lines:
        click.echo(line)
    click.echo(report.summary())
    return 0


@services.command(
    name="sync",
    help="sync from a council's live Open Referral UK API (v1 or 3.0), all pages, all or nothing",
)
@click.argument("url", metavar="URL", required=False)
@click.option("--all", "every", is_flag=True, help="re-sync every source synced before")
@click.option("--source", help="name for this feed (default: the URL's host name)")
@click.option(
    "--replace", is_flag=True, help="remove this source's services not in the feed, and the demo"
)
@data_dir_option
def sync_services(
    url: str | None, every: bool, source: str | None, replace: bool, data_dir: str | None
) -> int:
    from server.sync import sync_all, sync_feed

    if bool(url) == every:
        _err("Give a feed's URL, or --all to re-sync every source synced before.")
        return 2
    db = _directory_db(data_dir)
    try:
        if url:
            reports = [sync_feed(db, url, source=source, replace=replace)]
        else:
            reports = sync_all(db)
            if not reports:
                click.echo("No sources yet: sync one with `consequences services sync URL`.")
    finally:
        db.conn.close()
    for report in reports:
        for line in report.lines():
            click.echo(line, err=bool(report.error))
    return 1 if any(r.error for r in reports) else 0


@cli.group(help="offline postcode tables")
def postcodes() -> None:
    pass


@postcodes.command(
    name="import",
    help=(
        "load postcode centroids (district, sector or ONS Postcode Directory CSV); "
        "without a file, the tables that ship with the app"
    ),
)
@click.argument("files", metavar="[FILE...]", nargs=-1)
@data_dir_option
def import_postcode_files(files: tuple[str, ...], data_dir: str | None) -> int:
    from server.postcodes import PostcodeFileError, bundled_tables, import_postcodes

    tables = files or tuple(map(str, bundled_tables(Path(Settings.load().content_dir))))
    db = _directory_db(data_dir)
    try:
        for name in tables:
            path = Path(name)
            try:
                done = import_postcodes(db, path)
            except (OSError, PostcodeFileError) as exc:
                _err(f"{path}: {exc}")
                return 1
            if done.unchanged:
                click.echo(f"{path.name}: already imported ({done.rows} {done.precision} rows)")
            else:
                click.echo(
                    f"{path.name}: {done.rows} {done.precision} rows imported, "
                    f"{done.skipped} skipped"
                )
    finally:
        db.conn.close()
    return 0


# -- running it


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command and give its exit status: 0 done, 1 a problem found, 2 bad usage."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="consequences",
            standalone_mode=False,
        )
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        return 130
    except SettingsError as exc:
        _err(str(exc))
        return 2
    except KeyboardInterrupt:
        return 130
    # --help and --version answer with their exit code; a command with its own status.
    return result if isinstance(result, int) else 0
