"""The organisers' session grid (tables × slots, a window of it at a big event) and one
meeting's page: move, lock, cancel, put online, add an interpreter or a colleague.

Every write goes through ``meetings.commands``, so revisions, the audit log and the e-mails
follow exactly as through the API. Ids in forms are parsed by hand: a tampered value is a
field message or a 404 page, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.models import User
from app.checkin.service import checked_in_map
from app.deps import Organiser, SessionDep
from app.errors import Invalid, NotFound
from app.events import service as events
from app.events.models import Event, EventSession, SessionKind
from app.forms import Form
from app.forms import positive_int as _int
from app.forms import read_form as _form
from app.forms import submit_form as _submit
from app.forms import url_with as _url
from app.meetings import booking, commands, grid_window, queries, views
from app.meetings.models import Meeting, MeetingRole
from app.meetings.schemas import MeetingUpdate
from app.meetings.web_common import ACTIVE, LIST_LIMIT, common, grid_url, revision_of
from app.reminders.online import set_meeting_online
from app.types import pk
from app.web import redirect, render

router = APIRouter(include_in_schema=False)


def _matchmaking_session(session: Session, event_id: int, session_id: int) -> EventSession:
    row = events.get_session(session, event_id=event_id, session_id=session_id)
    if row.kind != SessionKind.matchmaking.value:
        raise NotFound("Matchmaking session", session_id)
    return row


def _grid_context(
    request: Request,
    session: Session,
    event: Event,
    row: EventSession,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    focus: Meeting | None = None,
) -> dict[str, Any]:
    session_id = pk(row)
    slots = events.list_slots(session, session_id=session_id)
    tables = events.list_tables(session, session_id=session_id)
    # A big grid shows a window (app/meetings/grid_window.py); ``focus``: the one holding it.
    wanted = request.query_params
    window = grid_window.choose(
        slots,
        tables,
        slot=str(grid_window.number_of(slots, focus.slot_id)) if focus else wanted.get("slot"),
        table=str(grid_window.number_of(tables, focus.table_id)) if focus else wanted.get("table"),
    )
    placed = {
        (int(m.slot_id or 0), int(m.table_id or 0)): m
        for m in grid_window.placed_in(session, session_id=session_id, window=window, active=ACTIVE)
    }
    figures = grid_window.counts(session, session_id=session_id, active=ACTIVE)
    open_unplaced = grid_window.unplaced(
        session, event_id=pk(event), session_id=session_id, active=ACTIVE
    )
    cancelled = grid_window.cancelled(
        session, event_id=pk(event), session_id=session_id, limit=LIST_LIMIT
    )
    shown = views.meeting_views(session, event, [*placed.values(), *open_unplaced, *cancelled])
    by_id = {v.id: v for v in shown}
    cells = {key: by_id[pk(m)] for key, m in placed.items()}
    scheduled = sorted(
        (by_id[pk(m)] for m in placed.values()),
        key=lambda v: (v.starts_at or datetime.max, v.table_number or 0),
    )
    return {
        **common(request, event),
        "row": row,
        "slots": window.slots,
        "tables": window.tables,
        "all_slots": slots,
        "all_tables": tables,
        "window": window,
        "cells": cells,
        "scheduled": scheduled,
        "scheduled_count": figures.scheduled,
        "unscheduled": [by_id[pk(m)] for m in open_unplaced],
        "cancelled": [by_id[pk(m)] for m in cancelled],
        "with_interpreter": figures.with_interpreter,
        "locked_count": figures.locked,
        "errors": errors or {},
        # The event day (app.outcomes): who has checked in. Flags show only once the desk
        # has checked someone in, so that the grid is not all red before the day.
        "arrived": (arrived := checked_in_map(session, event_id=pk(event))),
        "not_arrived": sorted(
            {
                p.id: p for v in scheduled if v.open for p in v.parties if p.id not in arrived
            }.values(),
            key=lambda p: p.name,
        )
        if arrived
        else [],
    }


def _focus_query(session: Session, session_id: int, meeting_id: int) -> dict[str, Any]:
    """The grid window's query parameters that show ``meeting_id`` (after a change)."""
    where = grid_window.position(session, session_id=session_id, meeting_id=meeting_id)
    return {"slot": where[0], "table": where[1]} if where else {}


@router.get("/events/{event_id:int}/sessions/{session_id:int}/grid")
def grid_page(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = events.managed_event(session, user, event_id)
    row = _matchmaking_session(session, event_id, session_id)
    return render(request, "meetings/grid.html", _grid_context(request, session, event, row))


@dataclass(frozen=True)
class _Target:
    """One meeting of the grid that a form acts on, its event managed by the user."""

    request: Request
    session: Session
    user: User
    event_id: int
    session_id: int
    meeting_id: int

    def update(self, form: Form, **changes: object) -> None:
        """Move, lock or unplace the meeting, against the revision the form was shown with."""
        data = MeetingUpdate.model_validate({"revision": revision_of(form), **changes})
        commands.update_meeting(
            self.session,
            actor=self.user,
            event_id=self.event_id,
            meeting_id=self.meeting_id,
            data=data,
        )


def _target(
    event_id: int,
    session_id: int,
    meeting_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
) -> _Target:
    events.managed_event(session, user, event_id)
    _matchmaking_session(session, event_id, session_id)
    return _Target(request, session, user, event_id, session_id, meeting_id)


Target = Annotated[_Target, Depends(_target)]
GRID_MEETING = "/events/{event_id:int}/sessions/{session_id:int}/grid/{meeting_id:int}"


def _grid_action(t: _Target, save: Callable[[], object], flash: str) -> Response:
    """Save, then back to the grid's window that shows the meeting; or the grid again with
    the messages by the meeting's form."""

    def fail(errors: dict[str, str], status: int) -> Response:
        event = events.managed_event(t.session, t.user, t.event_id)
        row = _matchmaking_session(t.session, t.event_id, t.session_id)
        context = _grid_context(
            t.request,
            t.session,
            event,
            row,
            errors={f"meeting-{t.meeting_id}": errors},
            focus=views.event_meeting(t.session, t.event_id, t.meeting_id),
        )
        return render(t.request, "meetings/grid.html", context, status_code=status)

    def done() -> Response:
        focus = _focus_query(t.session, t.session_id, t.meeting_id)
        url = _url(grid_url(t.event_id, t.session_id), flash=flash, **focus)
        return redirect(url + f"#meeting-{t.meeting_id}")

    return _submit(t.session, save, fail, done)


def _meeting_page_context(
    request: Request,
    session: Session,
    event: Event,
    row: EventSession,
    meeting_id: int,
    *,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    meeting = views.event_meeting(session, pk(event), meeting_id)
    view = views.meeting_views(session, event, [meeting])[0]
    interpreters, colleagues = queries.addable_people(session, meeting_id)
    options = booking.move_options(session, meeting_id) if view.open else []
    return {
        **common(request, event),
        "row": row,
        "m": view,
        "options": options,
        "idle": booking.idle_changes(session, meeting_id, [slot for slot, _ in options]),
        "interpreters": interpreters,
        "colleagues": colleagues,
        "errors": errors or {},
    }


def _meeting_url(event_id: int, session_id: int, meeting_id: int) -> str:
    return f"{grid_url(event_id, session_id)}/{meeting_id}"


@router.get(GRID_MEETING)
def grid_meeting_page(
    event_id: int,
    session_id: int,
    meeting_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
) -> Response:
    """One meeting of the grid: the times and tables free for everyone in it, and adding an
    interpreter or a colleague."""
    event = events.managed_event(session, user, event_id)
    row = _matchmaking_session(session, event_id, session_id)
    context = _meeting_page_context(request, session, event, row, meeting_id)
    return render(request, "meetings/grid_meeting.html", context)


def _meeting_action(t: _Target, save: Callable[[], object], flash: str) -> Response:
    """Save, then back to the meeting's page; or that page with the messages."""

    def fail(errors: dict[str, str], status: int) -> Response:
        event = events.managed_event(t.session, t.user, t.event_id)
        row = _matchmaking_session(t.session, t.event_id, t.session_id)
        context = _meeting_page_context(
            t.request, t.session, event, row, t.meeting_id, errors=errors
        )
        return render(t.request, "meetings/grid_meeting.html", context, status_code=status)

    def done() -> Response:
        url = _meeting_url(t.event_id, t.session_id, t.meeting_id)
        return redirect(_url(url, flash=flash))

    return _submit(t.session, save, fail, done)


@router.post(GRID_MEETING + "/place")
async def grid_place_submit(t: Target) -> Response:
    """Move a meeting to one of the free (slot, table) pairs, or take it off the schedule."""
    form = await _form(t.request)

    def save() -> None:
        raw = form.get("place")
        if raw == "none":
            t.update(form, slot_id=None, table_id=None)
            return
        ids = [_int(p) for p in raw.split(":")]
        if len(ids) != 2 or ids[0] is None or ids[1] is None:
            raise Invalid("place", "choose a time and a table from the list")
        t.update(form, slot_id=ids[0], table_id=ids[1])

    return _meeting_action(t, save, "meeting-moved")


@router.post(GRID_MEETING + "/people")
async def grid_add_person_submit(t: Target) -> Response:
    """Add an interpreter or a colleague to the meeting."""
    form = await _form(t.request)

    def save() -> None:
        role_text, _, raw_id = form.get("person").partition(":")
        participant_id = _int(raw_id)
        if role_text not in ("interpreter", "colleague") or participant_id is None:
            raise Invalid("person", "choose a person from the list")
        commands.add_participant(
            t.session,
            actor=t.user,
            event_id=t.event_id,
            meeting_id=t.meeting_id,
            participant_id=participant_id,
            role=MeetingRole(role_text),
            revision=revision_of(form),
        )

    return _meeting_action(t, save, "person-added")


@router.post(GRID_MEETING + "/move")
async def grid_move_submit(t: Target) -> Response:
    """Move a meeting from the grid: a slot, and a table or the one it keeps."""
    form = await _form(t.request)

    def save() -> None:
        raw_slot, raw_table = form.get("slot_id"), form.get("table_id")
        slot_id, table_id = _int(raw_slot), _int(raw_table)
        if raw_slot and slot_id is None:
            raise Invalid("slot_id", "choose a slot from the list")
        if raw_table and table_id is None:
            raise Invalid("table_id", "choose a table from the list")
        table_id = booking.table_to_keep(
            t.session, meeting_id=t.meeting_id, slot_id=slot_id, table_id=table_id
        )
        t.update(form, slot_id=slot_id, table_id=table_id)

    return _grid_action(t, save, "meeting-moved")


@router.post(GRID_MEETING + "/lock")
async def grid_lock_submit(t: Target) -> Response:
    form = await _form(t.request)
    locked = form.get("locked") == "1"
    return _grid_action(
        t, lambda: t.update(form, locked=locked), "meeting-locked" if locked else "meeting-unlocked"
    )


@router.post(GRID_MEETING + "/online")
async def grid_online_submit(t: Target) -> Response:
    """On-site, online or hybrid, and the meeting's own video link (app.reminders.online)."""
    form = await _form(t.request)

    def save() -> None:
        meeting = queries.get_meeting(
            t.session, viewer=t.user, event_id=t.event_id, meeting_id=t.meeting_id
        )
        set_meeting_online(
            t.session, meeting, mode=form.get("mode"), video_url=form.get("video_url")
        )

    return _meeting_action(t, save, "online-saved")


@router.post(GRID_MEETING + "/cancel")
async def grid_cancel_submit(t: Target) -> Response:
    form = await _form(t.request)

    def save() -> None:
        reason = form.get("reason")
        if not reason:  # worded for the organisers; the service checks the length
            raise Invalid("reason", "say why; the people of the meeting will read it")
        commands.cancel_meeting(
            t.session,
            actor=t.user,
            event_id=t.event_id,
            meeting_id=t.meeting_id,
            reason=reason,
            revision=revision_of(form),
        )

    return _grid_action(t, save, "meeting-cancelled")
