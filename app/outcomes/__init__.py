"""Check-in, attendance, feedback, agreements and the figures of an event."""
