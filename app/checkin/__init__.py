"""Check-in: who of an event has arrived (the desk, the hall). Below meetings."""
