"""E-mail notifications: rendered into the outbox table, delivered by a sender."""
