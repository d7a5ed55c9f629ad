"""The ``ketnoi`` command for operators: migrate, demo, create-organiser, send-mail, remind,
worker, serve, backup, restore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.settings import get_settings

app = typer.Typer(
    help="Kết Nối — operate the supply–demand connection service.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _configuration() -> None:
    """Check the configuration before any command: a production setup without a real secret
    key stops here, with the reason, instead of serving forgeable links."""
    from pydantic import ValidationError

    from app.settings import settings_problem

    try:
        get_settings()
    except ValidationError as exc:
        typer.echo(f"Kết Nối cannot start: {settings_problem(exc)}", err=True)
        raise typer.Exit(2) from exc


def _require_migrated() -> None:
    """Exit with the reason when the database schema is behind the code."""
    from app.db import get_engine
    from app.migrate import DatabaseBehind, check_up_to_date

    try:
        check_up_to_date(get_engine())
    except DatabaseBehind as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc


def _redacted(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (Alembic upgrade head)."""
    from app.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    typer.echo(f"Database is up to date: {_redacted(settings.database_url)}")


@app.command()
def demo() -> None:
    """Load the demo events and accounts into the configured database (idempotent)."""
    from app.db import session_scope
    from app.demo import (
        DEMO_DELEGATE_EMAIL,
        DEMO_DELEGATE_PASSWORD,
        DEMO_ORGANISER_EMAIL,
        DEMO_ORGANISER_PASSWORD,
        load_demo,
    )
    from app.demo.data import (
        DELEGATION_HEAD_PASSWORD,
        DELEGATIONS,
        DESK_STAFF_EMAIL,
        DESK_STAFF_PASSWORD,
    )

    _require_migrated()
    with session_scope() as session:
        result = load_demo(session)
    typer.echo(
        "Demo data " + ("loaded." if result.created else "already present; nothing changed.")
    )
    typer.echo(f"  organiser: {DEMO_ORGANISER_EMAIL} / {DEMO_ORGANISER_PASSWORD}")
    typer.echo(f"  delegate:  {DEMO_DELEGATE_EMAIL} / {DEMO_DELEGATE_PASSWORD}")
    for delegation in DELEGATIONS:
        head = f"  head {delegation.country}:"
        typer.echo(f"{head:<13}{delegation.head_email} / {DELEGATION_HEAD_PASSWORD}")
    typer.echo(f"  staff:     {DESK_STAFF_EMAIL} / {DESK_STAFF_PASSWORD}  (check-in desk)")
    typer.echo(f"  events:    {', '.join(f'/events/{i}' for i in result.event_ids)}")


@app.command("create-organiser")
def create_organiser(
    email: Annotated[str, typer.Option(help="Log-in e-mail of the organiser")],
    name: Annotated[str, typer.Option(help="Full name")] = "Ban tổ chức",
    password: Annotated[
        str | None, typer.Option(help="At least 10 characters; asked for when omitted")
    ] = None,
    admin: Annotated[bool, typer.Option(help="May manage every event")] = False,
) -> None:
    """Create an organiser account."""
    from pydantic import ValidationError

    from app.auth.models import Role, UserCreate
    from app.auth.service import create_user
    from app.db import session_scope
    from app.errors import DomainError

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        data = UserCreate(email=email, full_name=name, password=password, role=Role.organiser)
        with session_scope() as session:
            user = create_user(session, data=data, is_admin=admin)
    except ValidationError as exc:
        for error in exc.errors():
            typer.echo(f"{'.'.join(map(str, error['loc']))}: {error['msg']}", err=True)
        raise typer.Exit(2) from exc
    except DomainError as exc:
        typer.echo(exc.detail, err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"Organiser {user.email} created (id {user.id}).")


@app.command("send-mail")
def send_mail(
    batch_size: Annotated[int, typer.Option(min=1, max=1000, help="Messages per batch")] = 50,
    max_attempts: Annotated[
        int, typer.Option(min=1, max=100, help="Give a message up after this many refusals")
    ] = 5,
    all_batches: Annotated[
        bool, typer.Option("--all", help="Repeat batches until nothing more can be sent")
    ] = False,
) -> None:
    """Deliver the unsent e-mails of the outbox through the configured SMTP server."""
    from app.db import get_engine
    from app.notifications.sender import SmtpConfig, deliver_pending

    config = SmtpConfig.from_settings(get_settings())
    if config is None:
        typer.echo(
            "No SMTP server configured: set KETNOI_SMTP_HOST (and KETNOI_SMTP_PORT, "
            "KETNOI_SMTP_USER, KETNOI_SMTP_PASSWORD, KETNOI_MAIL_FROM).",
            err=True,
        )
        raise typer.Exit(2)
    from sqlmodel import Session

    sent = failed = 0
    with Session(get_engine(), expire_on_commit=False) as session:
        while True:
            report = deliver_pending(
                session, config, batch_size=batch_size, max_attempts=max_attempts
            )
            sent, failed = sent + report.sent, failed + report.failed
            if report.error or not all_batches or report.sent + report.failed == 0:
                break
    typer.echo(f"Sent {sent}, refused {failed}, still waiting {report.waiting}.")
    if report.error:
        typer.echo(report.error, err=True)
        raise typer.Exit(1)


@app.command()
def remind() -> None:
    """Queue the e-mails that fall due with time (run it daily, e.g. from cron): feedback
    links after B2B sessions that ended in the last 30 days, and agreement follow-ups 3 and
    6 months after signing. Each goes out once, however often this runs."""
    from app.db import session_scope
    from app.outcomes import feedback as feedback_service
    from app.outcomes import follow_ups as follow_up_service
    from app.types import pk

    _require_migrated()
    feedback = 0
    with session_scope() as session:
        for row in feedback_service.sessions_due_for_feedback(session):
            feedback += feedback_service.send_feedback_requests(
                session, event_id=row.event_id, session_id=pk(row)
            ).queued
        follow_ups = follow_up_service.send_follow_up_reminders(session)
    typer.echo(
        f"Queued {feedback} feedback request(s) and {follow_ups.emails} follow-up e-mail(s) "
        f"for {follow_ups.reminders} agreement milestone(s)."
    )


@app.command()
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run one pass and exit (for a timer)")
    ] = False,
    interval: Annotated[int, typer.Option(min=5, max=3600, help="Seconds between passes")] = 60,
) -> None:
    """Run the periodic tasks (meeting reminders, agreement reminders, sending the outbox)
    every --interval seconds, or once with --once (from a systemd timer or cron)."""
    from app.db import get_engine
    from app.worker import run_forever, run_once

    _require_migrated()
    if once:
        if not run_once(get_engine(), typer.echo):
            raise typer.Exit(1)
        return
    typer.echo(f"Kết Nối worker: a pass every {interval} s (stop with Ctrl+C or SIGTERM)")
    run_forever(get_engine(), interval, typer.echo)


@app.command("print-job")
def print_job(job_id: Annotated[str, typer.Argument(help="The queued job's id")]) -> None:
    """Render one queued print job in this process and exit (the web app starts one per job;
    ``ketnoi worker`` runs those nobody started)."""
    from app.exports.jobs import run_in_this_process

    if not run_in_this_process(job_id):
        typer.echo(f"print job {job_id}: not queued (already run, or unknown)", err=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (they share only the database)")
    ] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development)")] = False,
) -> None:
    """Serve the web application with uvicorn."""
    import uvicorn

    _require_migrated()
    settings = get_settings()
    typer.echo(f"Kết Nối on http://{host}:{port}  (database: {_redacted(settings.database_url)})")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers if not reload else 1,
        reload=reload,
        proxy_headers=True,
        log_level="info",
    )


@app.command()
def backup(
    output: Annotated[
        Path | None,
        typer.Option(help="Archive to write (default: var/backups/ketnoi-<time>.tar.gz)"),
    ] = None,
) -> None:
    """Back up the database and the files under var/ into one
    .tar.gz with a manifest. SQLite: online backup API; PostgreSQL: pg_dump."""
    from app.backup import BackupError
    from app.backup import backup as run_backup

    try:
        archive, manifest = run_backup(get_settings(), output)
    except BackupError as exc:
        typer.echo(f"Backup failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    rows = sum(manifest.tables.values())
    typer.echo(
        f"Backup written: {archive} ({rows} rows in {len(manifest.tables)} tables, "
        f"{len(manifest.files)} files)"
    )


@app.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="A .tar.gz written by 'ketnoi backup'")],
) -> None:
    """Restore a backup into the configured database and var/, both empty."""
    from app.backup import BackupError
    from app.backup import restore as run_restore

    try:
        manifest = run_restore(get_settings(), archive)
    except BackupError as exc:
        typer.echo(f"Restore failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    rows = sum(manifest.tables.values())
    typer.echo(
        f"Restored {archive}: {rows} rows in {len(manifest.tables)} tables, "
        f"{len(manifest.files)} files (backup of {manifest.data.get('created_at')})"
    )


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
