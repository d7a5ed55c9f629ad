"""Errors carry a code and a message template; they are rendered in the reader's language."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import BaseModel, EmailStr, Field, ValidationError

from app.errors import Conflict, FieldError, Invalid, NotFound, _l
from app.i18n.render import localize, pydantic_message
from app.i18n.words import status_word


def _table_taken() -> Conflict:
    return Conflict(
        _l(
            "table {number} is already taken in {label}",
            number=1,
            label=_l("slot {number} ({time})", number=7, time="16:20"),
        ),
        [FieldError("table_id", "another meeting has this table in this slot")],
    )


def test_a_conflict_reads_in_vietnamese_and_in_english() -> None:
    error = _table_taken()
    assert localize(error.detail, "vi") == "bàn 1 đã có người ngồi ở lượt 7 (16:20)"
    assert localize(error.detail, "en") == "table 1 is already taken in slot 7 (16:20)"
    assert str(error) == "table 1 is already taken in slot 7 (16:20)"  # logs stay English


def test_codes_are_stable_words_of_the_template() -> None:
    error = _table_taken()
    assert error.code == "table_is_already_taken_in"
    assert error.errors[0].code == "another_meeting_has_this_table_in"
    assert NotFound("Meeting", 5).code == "not_found"
    assert Conflict("x", []).status == 409


def test_status_codes_become_words() -> None:
    message = _l(
        "this meeting is {meeting_status} and can no longer change",
        meeting_status=status_word("no_show"),
    )
    assert "no_show" not in localize(message, "vi")
    assert localize(message, "vi") == "cuộc gặp này ở trạng thái “vắng mặt”, không thể thay đổi nữa"
    assert localize(message, "en") == "this meeting is no-show and can no longer change"


def test_invalid_lists_every_field_in_the_readers_language() -> None:
    error = Invalid("name", "must not be empty", FieldError("email", "already registered"))
    assert localize(error.detail, "en") == "name: must not be empty; email: already registered"
    vi = localize(error.detail, "vi")
    assert "must not" not in vi
    assert "already" not in vi
    assert error.code == error.errors[0].code == "must_not_be_empty"


def test_not_found_names_the_thing() -> None:
    assert localize(NotFound("Meeting request", 3).detail, "vi") == "Không tìm thấy: Yêu cầu gặp 3"


class _Form(BaseModel):
    day: date
    email: EmailStr
    languages: list[str] = Field(min_length=2)
    tables: int = Field(gt=0)
    name: str = Field(default="x", min_length=1)
    code: str = Field(default="abcd", min_length=4)


@pytest.mark.parametrize(
    ("data", "field", "vi", "en"),
    [
        (
            {"day": "20-13-2024"},
            "day",
            "hãy nhập ngày hợp lệ, ví dụ 20/05/2024",
            "enter a valid date such as 20/05/2024",
        ),
        (
            {"email": "not-an-address"},
            "email",
            "địa chỉ e-mail không hợp lệ",
            "not a valid e-mail address",
        ),
        ({"languages": ["vi"]}, "languages", "hãy chọn ít nhất 2", "choose at least 2"),
        ({"tables": 0}, "tables", "phải lớn hơn 0", "must be greater than 0"),
        ({}, "day", "bắt buộc nhập", "this field is required"),
        # an empty box that needs one character is simply required
        ({"name": ""}, "name", "bắt buộc nhập", "this field is required"),
        ({"code": "ab"}, "code", "hãy nhập ít nhất 4 ký tự", "enter at least 4 characters"),
    ],
)
def test_pydantic_errors_are_translated_by_type(
    data: dict[str, object], field: str, vi: str, en: str
) -> None:
    full = {"day": "2024-05-20", "email": "a@example.vn", "languages": ["vi", "en"], "tables": 3}
    full.update(data)
    if not data:
        full.pop("day")
    with pytest.raises(ValidationError) as caught:
        _Form.model_validate(full)
    (error,) = [e for e in caught.value.errors() if e["loc"][0] == field]
    message = pydantic_message(error)
    assert localize(message, "vi") == vi
    assert localize(message, "en") == en
