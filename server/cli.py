"""The `consequences` command: serve the app, check content, manage translations."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from server import __version__
from server.settings import ROOT, Settings, SettingsError

if TYPE_CHECKING:
    import sqlite_utils

Handler = Callable[[argparse.Namespace], int]


def _settings(args: argparse.Namespace, **extra: object) -> Settings:
    overrides = {"data_dir": getattr(args, "data_dir", None), **extra}
    return Settings.load(overrides)


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="folder for the SQLite files (default ./data, or CONSEQUENCES_DATA_DIR)",
    )


# -- serve


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.migrations import migrate
    from server.security import logging_config

    settings = _settings(args, host=args.host, port=args.port, workers=args.workers)
    # Workers are separate processes that build the app from the environment.
    os.environ.update(settings.to_environ())
    migrate(settings.data_path)
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=logging_config(settings.log_level),
        access_log=False,  # the access log would write each client's address
        proxy_headers=False,
        server_header=False,
    )
    return 0


# -- content


def cmd_content_check(args: argparse.Namespace) -> int:
    from server.content import check_everything

    content_dir = Path(args.content_dir or Settings.load().content_dir)
    content, problems = check_everything(content_dir)
    for error in problems:
        print(f"{content_dir / error.file}: {error.field}: {error.message}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(
        f"OK: {len(content.cards)} cards, {len(content.helplines)} helplines, "
        f"{len(content.glossary)} glossary entries."
    )
    return 0


def cmd_content_review(args: argparse.Namespace) -> int:
    from server.content import ReviewRefused, record_review

    content_dir = Path(args.content_dir or Settings.load().content_dir)
    try:
        review = record_review(content_dir, args.card_id, args.role)
    except ReviewRefused as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(
        f"Recorded: {args.card_id} reviewed {review.reviewed_on} by {review.role} ({review.hash})."
    )
    return 0


# -- i18n


def _babel(*argv: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    # From the project root, so that source locations in the catalogues are relative.
    with contextlib.chdir(ROOT):
        CommandLineInterface().run(["pybabel", "-q", *argv])


def extract_pot(output: Path) -> None:
    """Extract every UI and content string into a .pot file."""
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


def _without_date(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "POT-Creation-Date" not in line)


def cmd_i18n(args: argparse.Namespace) -> int:
    from server.i18n import DOMAIN, SOURCE_LANGUAGE, SUPPORTED, compile_catalogues, po_path

    locales = Path(args.locales_dir or Settings.load().locales_dir)
    pot = locales / f"{DOMAIN}.pot"
    if args.action == "extract":
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "messages.pot"
            extract_pot(fresh)
            new = fresh.read_text(encoding="utf-8")
        old = pot.read_text(encoding="utf-8") if pot.exists() else ""
        if _without_date(old) != _without_date(new):
            pot.write_text(new, encoding="utf-8")
            print(f"Updated {pot}")
        else:
            print(f"{pot} is up to date")
    elif args.action == "update":
        for lang in SUPPORTED:
            if lang == SOURCE_LANGUAGE:
                continue
            po = po_path(locales, lang)
            command = "update" if po.exists() else "init"
            extra = ["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else []
            _babel(command, "-i", str(pot), "-d", str(locales), "-l", lang, "-w", "100", *extra)
        print("Catalogues updated from", pot)
    elif args.action == "compile":
        written = compile_catalogues(locales, force=True)
        print(f"Compiled {len(written)} catalogue(s).")
    elif args.action == "stats":
        return _stats(locales)
    return 0


def _stats(locales: Path) -> int:
    from babel.messages.pofile import read_po

    from server.i18n import SOURCE_LANGUAGE, SUPPORTED, Languages, po_path

    languages = Languages(locales)
    problems = 0
    print(f"{'lang':6} {'translated':>10} {'fuzzy':>6} {'missing':>8} {'errors':>7}  reviewed")
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
        info = languages.info[lang]
        print(
            f"{lang:6} {len(messages) - missing - fuzzy:>10} {fuzzy:>6} {missing:>8} "
            f"{len(errors):>7}  {'yes' if info.reviewed else 'no'}"
        )
    return 1 if problems else 0


# -- pwa


def cmd_pwa(args: argparse.Namespace) -> int:
    from server.icons import write_icons
    from server.precache import PRECACHE_FILE, precache_is_current, write_precache

    pwa_dir = Path(args.pwa_dir or Settings.load().pwa_dir)
    if args.action == "icons":
        for path in write_icons(pwa_dir / "assets" / "icons"):
            print(f"Wrote {path}")
        return 0
    if args.check:
        if precache_is_current(pwa_dir):
            print(f"{pwa_dir / PRECACHE_FILE} is up to date")
            return 0
        print(
            f"{pwa_dir / PRECACHE_FILE} is stale: run `consequences pwa precache`",
            file=sys.stderr,
        )
        return 1
    print(f"Wrote {write_precache(pwa_dir)}")
    return 0


# -- reports and staff


def cmd_reports_purge(args: argparse.Namespace) -> int:
    from server.migrations import migrate
    from server.reports import build_reporting

    settings = _settings(args)
    migrate(settings.data_path)
    store = build_reporting(settings)["reports"]
    try:
        result = store.purge()
    finally:
        store.close()
    print(
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


def cmd_staff(args: argparse.Namespace) -> int:
    from server.migrations import migrate
    from server.staff import StaffError, StaffService

    settings = _settings(args)
    migrate(settings.data_path)
    staff = StaffService(settings.data_path / "reports.db")
    actor = "cli"
    try:
        if args.action == "add":
            try:
                account = staff.add(actor, args.username, _read_password(), args.role)
            except (StaffError, ValueError) as exc:
                print(str(exc), file=sys.stderr)
                return 1
            print(f"Added {account.username} ({account.role}).")
        elif args.action == "remove":
            if not staff.remove(actor, args.username):
                print(f"There is no account called {args.username}.", file=sys.stderr)
                return 1
            print(f"Removed {args.username}; their sign-ins have ended.")
        else:
            accounts = staff.accounts()
            for account in accounts:
                print(f"{account.username:40} {account.role:9} added {account.created_on}")
            if not accounts:
                print("No staff accounts yet: add one with `consequences staff add NAME`.")
    finally:
        staff.close()
    return 0


# -- the help finder's directory and postcode tables


def _directory_db(args: argparse.Namespace) -> sqlite_utils.Database:
    from server.db import connect
    from server.migrations import migrate

    settings = _settings(args)
    migrate(settings.data_path)
    return connect(settings.data_path / "directory.db")


def cmd_services_import(args: argparse.Namespace) -> int:
    from server.directory import import_feed, service_count
    from server.oruk import FeedError

    path = Path(args.path)
    if not path.exists():
        print(f"{path}: no such file or folder", file=sys.stderr)
        return 2
    db = _directory_db(args)
    try:
        if args.if_empty and service_count(db):
            print(f"The directory already has {service_count(db)} services; nothing imported.")
            return 0
        try:
            report = import_feed(db, path, source=args.source, replace=args.replace)
        except FeedError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 1
    finally:
        db.conn.close()
    for line in report.lines:
        print(line)
    print(report.summary())
    return 0


def cmd_postcodes_import(args: argparse.Namespace) -> int:
    from server.postcodes import PostcodeFileError, import_postcodes

    db = _directory_db(args)
    try:
        for name in args.files:
            path = Path(name)
            try:
                done = import_postcodes(db, path)
            except (OSError, PostcodeFileError) as exc:
                print(f"{path}: {exc}", file=sys.stderr)
                return 1
            if done.unchanged:
                print(f"{path.name}: already imported ({done.rows} {done.precision} rows)")
            else:
                print(
                    f"{path.name}: {done.rows} {done.precision} rows imported, "
                    f"{done.skipped} skipped"
                )
    finally:
        db.conn.close()
    return 0


# -- the parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="consequences",
        description="Consequences cards, help finder and anonymous reporting.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="start the web app")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve.add_argument("--workers", type=int, help="number of worker processes (default 1)")
    _add_data_dir(serve)
    serve.set_defaults(handler=cmd_serve)

    content = commands.add_parser("content", help="check the cards, helplines and glossary")
    content_commands = content.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = content_commands.add_parser("check", help="report every problem in content/")
    check.add_argument("--content-dir", metavar="DIR", help="default ./content")
    check.set_defaults(handler=cmd_content_check)
    review = content_commands.add_parser(
        "review", help="record that a card was checked: its hash, today's date and your role"
    )
    review.add_argument("card_id", metavar="CARD_ID")
    review.add_argument("--role", required=True, help="the reviewer's role, not a name")
    review.add_argument("--content-dir", metavar="DIR", help="default ./content")
    review.set_defaults(handler=cmd_content_review)

    services = commands.add_parser("services", help="the help finder's directory of services")
    services_commands = services.add_subparsers(dest="action", required=True, metavar="ACTION")
    services_import = services_commands.add_parser(
        "import", help="import an Open Referral UK feed (v1 or 3.0 JSON) or our CSV template"
    )
    services_import.add_argument("path", metavar="FILE_OR_DIR")
    services_import.add_argument(
        "--replace", action="store_true", help="remove services that are not in this feed"
    )
    services_import.add_argument(
        "--if-empty", action="store_true", help="import only when the directory is empty"
    )
    services_import.add_argument(
        "--source", help="name for this feed (default: the file or folder name)"
    )
    _add_data_dir(services_import)
    services_import.set_defaults(handler=cmd_services_import)

    postcodes = commands.add_parser("postcodes", help="offline postcode tables")
    postcodes_commands = postcodes.add_subparsers(dest="action", required=True, metavar="ACTION")
    postcodes_import = postcodes_commands.add_parser(
        "import", help="load postcode centroids (district, sector or ONS Postcode Directory CSV)"
    )
    postcodes_import.add_argument("files", metavar="FILE", nargs="+")
    _add_data_dir(postcodes_import)
    postcodes_import.set_defaults(handler=cmd_postcodes_import)

    i18n = commands.add_parser("i18n", help="extract, update, compile or count translations")
    i18n.add_argument("action", choices=["extract", "update", "compile", "stats"])
    i18n.add_argument("--locales-dir", metavar="DIR", help="default ./locales")
    i18n.set_defaults(handler=cmd_i18n)

    pwa = commands.add_parser("pwa", help="build the app shell's precache list and icons")
    pwa_commands = pwa.add_subparsers(dest="action", required=True, metavar="ACTION")
    precache = pwa_commands.add_parser(
        "precache", help="write pwa/precache.json (every shell file with its content hash)"
    )
    precache.add_argument(
        "--check", action="store_true", help="only check it is current; exit 1 if stale"
    )
    icons = pwa_commands.add_parser("icons", help="draw the app icons into pwa/assets/icons/")
    for sub in (precache, icons):
        sub.add_argument("--pwa-dir", metavar="DIR", help="default ./pwa")
        sub.set_defaults(handler=cmd_pwa)
    reports = commands.add_parser("reports", help="look after the anonymous reports")
    reports_commands = reports.add_subparsers(dest="action", required=True, metavar="ACTION")
    purge = reports_commands.add_parser(
        "purge", help="delete reports past the retention period now (also done hourly)"
    )
    _add_data_dir(purge)
    purge.set_defaults(handler=cmd_reports_purge)

    staff = commands.add_parser("staff", help="manage the staff who read reports")
    staff_commands = staff.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = staff_commands.add_parser(
        "add", help="add an account; the password comes from a prompt or standard input"
    )
    add.add_argument("username")
    add.add_argument("--role", choices=["reviewer", "admin"], default="reviewer")
    _add_data_dir(add)
    add.set_defaults(handler=cmd_staff)
    remove = staff_commands.add_parser("remove", help="remove an account and end its sign-ins")
    remove.add_argument("username")
    _add_data_dir(remove)
    remove.set_defaults(handler=cmd_staff)
    listing = staff_commands.add_parser("list", help="list the accounts")
    _add_data_dir(listing)
    listing.set_defaults(handler=cmd_staff)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
