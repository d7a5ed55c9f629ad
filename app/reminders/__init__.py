"""Reminders before meetings (the day before, and minutes before), queued by the worker."""
