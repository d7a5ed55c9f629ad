"""Calendars (.ics) and printed documents (PDF) built from plain views of the schedule."""
