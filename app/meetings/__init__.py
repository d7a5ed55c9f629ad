"""Meeting requests, meetings, booking (no double booking, enforced by the database)."""
