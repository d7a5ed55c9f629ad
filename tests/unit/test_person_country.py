"""One rule for a person's country, used by the pages, the figures and the documents."""

from app.registration.models import Delegation, Organisation, Participant, person_country


def test_the_organisation_country_comes_first() -> None:
    person = Participant(
        event_id=1, code="LIN2345A", full_name="Lin", organisation_id=1, delegation_id=2
    )
    org = Organisation(name_vi="Formosa", name_key="formosa", country="TW")
    delegation = Delegation(event_id=1, name="Đoàn Nhật Bản", country="JP")
    assert person_country(person, org, delegation) == "TW"


def test_without_an_organisation_the_delegation_country() -> None:
    person = Participant(event_id=1, code="SATO2345", full_name="Sato", delegation_id=2)
    assert (
        person_country(person, None, Delegation(event_id=1, name="Đoàn Nhật Bản", country="JP"))
        == "JP"
    )


def test_neither_gives_no_country() -> None:
    assert (
        person_country(Participant(event_id=1, code="HOA23456", full_name="Hoa"), None, None) == ""
    )
