"""Messages that services and form handling show next to a field. Listed here (marked with
N_) so that extraction finds them; templates translate them with _() when they render."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    return message


FORM_MESSAGES = (
    N_("wrong e-mail or password"),
    N_("too many failed log-in attempts; try again in 15 minutes"),
    N_("enter your e-mail address"),
    N_("enter your password"),
    N_("must not be before start_date"),
    N_("end_date must not be before start_date"),
    N_("an event lasts at most 31 days"),
    N_("must be after registration_opens_at"),
    N_("must not be empty"),
    N_("must be after starts_at"),
    N_("a session lasts at most 24 hours"),
    N_("the session must lie within the event's dates"),
    N_("a break must end after it starts"),
    N_("a break must lie inside the session"),
    N_("breaks must not overlap each other"),
    N_("a matchmaking session needs a slot length in minutes"),
    N_("no slot of this length fits between start, end and breaks"),
    N_("overlaps another session in the same room"),
    N_("already used by another table"),
    N_("enter the date of the session"),
    N_("enter a time such as 14:00"),
    N_("write each break as 15:20-15:40 Giải lao"),
    N_("not a valid time"),
    N_("only a matchmaking session has tables"),
    N_(
        "Nothing was saved: the form had expired or did not come from this site. "
        "Open it again and send it once more."
    ),
    N_("Only this event's organisers can change it"),
    N_("This needs an organiser account"),
    N_("Only organisers can create events"),
    # pydantic's own messages, as they reach a form
    N_("Field required"),
    N_("Input should be a valid date or datetime, input is too short"),
    N_("Input should be a valid date or datetime, invalid character in year"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be greater than 0"),
    N_("String should have at least 1 character"),
    N_("is not a time zone of the IANA database"),
)
