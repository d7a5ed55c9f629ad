"""Pages of the event day and its outcomes.

Staff (organisers, and approved ``staff`` participants with an account): the check-in desk
(``/events/{id}/check-in``: a code typed or scanned, a camera scan where the browser has
BarcodeDetector, a name search with or without accents, the person's card, the arrivals
panel polled every 10 s). Organisers: held / no-show and "re-place late arrival" from the
grid, "send feedback requests", agreements with their documents and the signing-ceremony
list, the report page with its PDF and XLSX. Delegates: the feedback form (also opened
without an account by the signed link of the e-mail) and their own agreements.

Every write goes through a service (app.checkin.service, app.outcomes.day, .feedback,
.agreements). Anonymous visitors of private pages are sent to log in (a 401 becomes a
redirect), the wrong role gets a 403 page, and ids and values in forms and query strings are
parsed by hand: bad input is a message by its field or a 404 page, never a 500. One module
per part: web_day (the desk and the day), web_feedback, web_agreements, web_report.
"""

from fastapi import APIRouter

from app.outcomes import web_agreements, web_day, web_feedback, web_report

router = APIRouter(include_in_schema=False)
for part in (web_day, web_feedback, web_agreements, web_report):
    router.include_router(part.router)
