"""What an import can say about a file or a row. Each message is an English msgid with named
placeholders; the API sends the English text, the pages translate the msgid (imports.po) and
fill in the same placeholders, so that one list serves both."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    return message


# ---- the file as a whole ------------------------------------------------------------------
FILE_EMPTY = N_("The file is empty.")
FILE_TOO_LARGE = N_("The file is larger than %(limit)s MB. Split it into smaller files.")
FILE_NOT_UTF8 = N_(
    "The file is not UTF-8 text: byte 0x%(byte)s at position %(offset)s (line %(line)s) "
    "cannot be read. In Excel choose Save As, then “CSV UTF-8 (Comma delimited)”, "
    "or upload the .xlsx file itself."
)
FILE_OLD_EXCEL = N_(
    "This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as CSV UTF-8 "
    "and upload it again."
)
FILE_BAD_XLSX = N_(
    "The file could not be read as an Excel workbook (.xlsx). Open it in Excel, save it "
    "again as .xlsx and upload it again."
)
FILE_UNKNOWN_TYPE = N_("Choose a CSV file or an Excel workbook (.xlsx).")
FILE_NO_HEADER = N_("The file has no header row: the first row must name the columns.")
FILE_TOO_MANY_ROWS = N_(
    "The file has more than %(limit)s rows. Split it into files of at most %(limit)s rows."
)
FILE_UNPACKS_TOO_LARGE = N_(
    "The workbook unpacks to more than %(limit)s MB. Save only the participants sheet, "
    "without images, and upload it again."
)
FILE_MORE_PROBLEMS = N_(
    "%(count)s more problems are not listed. Correct the ones above and upload the file again."
)
FILE_MISSING_COLUMNS = N_(
    "Required columns are missing: %(missing)s. Columns that were not recognised: %(unknown)s."
)
FILE_REPEATED_COLUMNS = N_("These columns mean the same thing; keep only one: %(columns)s.")
FILE_NO_ROWS = N_("The file has a header row but no rows to import.")

# ---- one cell -----------------------------------------------------------------------------
ROW_NAME_MISSING = N_("Enter the full name.")
ROW_BAD_EMAIL = N_("“%(value)s” is not a valid e-mail address.")
ROW_DUPLICATE_EMAIL = N_("The same e-mail address is on rows %(rows)s of the file.")
ROW_EMAIL_REGISTERED = N_("This e-mail address is already registered for this event.")
ROW_TOO_LONG = N_("Too long: at most %(limit)s characters.")
ROW_UNKNOWN_SECTOR = N_("Unknown sector: %(value)s. Use the codes or names of the template.")
ROW_TOO_MANY_SECTORS = N_("At most %(limit)s sectors.")
ROW_UNKNOWN_KIND = N_(
    "Unknown kind of organisation: %(value)s. Use the codes or names of the template."
)
ROW_UNKNOWN_COUNTRY = N_("Unknown country: %(value)s. Use a two-letter code such as VN, TW, JP.")
ROW_UNKNOWN_LANGUAGE = N_("Unknown language: %(value)s. Use codes such as vi, en, zh, ja, ko.")
ROW_UNKNOWN_ROLE = N_("Unknown role: %(value)s. Use the codes or names of the template.")
ROW_UNKNOWN_DELEGATION = N_(
    "No delegation named “%(value)s” at this event. Create the delegation first, or correct "
    "the name."
)
ROW_BAD_CAP = N_("The meeting cap must be a whole number from 0 to %(limit)s.")

ALL_MESSAGES = (
    FILE_EMPTY,
    FILE_TOO_LARGE,
    FILE_NOT_UTF8,
    FILE_OLD_EXCEL,
    FILE_BAD_XLSX,
    FILE_UNKNOWN_TYPE,
    FILE_NO_HEADER,
    FILE_TOO_MANY_ROWS,
    FILE_UNPACKS_TOO_LARGE,
    FILE_MORE_PROBLEMS,
    FILE_MISSING_COLUMNS,
    FILE_REPEATED_COLUMNS,
    FILE_NO_ROWS,
    ROW_NAME_MISSING,
    ROW_BAD_EMAIL,
    ROW_DUPLICATE_EMAIL,
    ROW_EMAIL_REGISTERED,
    ROW_TOO_LONG,
    ROW_UNKNOWN_SECTOR,
    ROW_TOO_MANY_SECTORS,
    ROW_UNKNOWN_KIND,
    ROW_UNKNOWN_COUNTRY,
    ROW_UNKNOWN_LANGUAGE,
    ROW_UNKNOWN_ROLE,
    ROW_UNKNOWN_DELEGATION,
    ROW_BAD_CAP,
)


@dataclass(frozen=True)
class Issue:
    """One problem: with ``row`` and ``column`` for a cell, without them for the file."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    row: int | None = None
    column: str | None = None  # the header as the file writes it
    field: str | None = None  # the field it feeds (full_name, email…)

    @property
    def message(self) -> str:
        return self.msgid % self.params if self.params else self.msgid

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "msgid": self.msgid,
            "params": self.params,
        }
