"""Secrets stay out of the access log: calendar feed links carry their token in the query
string (``…/calendar.ics?token=…``), and whoever reads the log must not be able to subscribe
to a participant's meetings with it."""

from __future__ import annotations

import logging
import re

_SECRET_QUERY = re.compile(r"([?&](?:token|access_token|key|code)=)[^&\s\"]*", re.IGNORECASE)


def redact(text: str) -> str:
    return _SECRET_QUERY.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
