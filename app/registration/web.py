"""Pages of the registration module: registering oneself, one's own registration and
availability, the organisers' participant list with approval, and delegations.

Private pages send anonymous visitors to log in (a 401 becomes a redirect) and show a 403
page to the wrong role; a draft event stays a 404 for outsiders, as everywhere.
"""

from fastapi import APIRouter

from app.registration import web_delegations, web_participants, web_self

router = APIRouter(include_in_schema=False)
for part in (web_self, web_participants, web_delegations):
    router.include_router(part.router)
