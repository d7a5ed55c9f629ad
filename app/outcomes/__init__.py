"""What came of an event: the day (attendance), feedback, agreements and the figures."""
