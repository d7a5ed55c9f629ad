"""Hostile workbooks: a sheet that unpacks to a gigabyte, a sheet declaring a million rows, a
million blank rows, and a file whose problems would fill megabytes. Each is refused (or cut
short) within seconds, in bounded memory, with a short answer."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from app.imports import messages as m
from app.imports.service import MAX_LISTED_ISSUES
from app.imports.spreadsheets import MAX_BLANK_RUN, MAX_SHEET_ROWS, FileProblem, read_table

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "participants"
    sheet.append(["Họ và tên", "Email"])
    sheet.append(["Nguyễn Văn A", "a@example.vn"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _deflate(chunks: Iterator[bytes]) -> tuple[bytes, int, int]:
    """(raw deflate stream, CRC-32, unpacked size). A block seen before is not compressed
    again: after a full flush a deflate stream does not refer back, so the compressed block
    is repeated as it is, which builds a gigabyte bomb in a second or two."""
    parts: list[bytes] = []
    seen: dict[bytes, bytes] = {}
    crc = size = 0
    for chunk in chunks:
        if chunk not in seen:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            seen[chunk] = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
        parts.append(seen[chunk])
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
    parts.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush())  # the final, empty block
    return b"".join(parts), crc, size


def _with_sheet(chunks: Iterator[bytes]) -> bytes:
    """A real workbook whose first sheet is replaced by the streamed XML, deflated; the zip
    is written by hand (zipfile cannot take data that is compressed already)."""
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    out = io.BytesIO()
    directory = []
    for info in source.infolist():
        if info.filename == "xl/worksheets/sheet1.xml":
            packed, crc, size = _deflate(chunks)
        else:
            packed, crc, size = _deflate(iter([source.read(info.filename)]))
        name = info.filename.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(packed), size, len(name), 0
            )
        )
        out.write(name)
        out.write(packed)
        directory.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(packed),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for record in directory:
        out.write(record)
    out.write(
        struct.pack(
            "<IHHHHIIH",
            0x06054B50,
            0,
            0,
            len(directory),
            len(directory),
            out.tell() - start,
            start,
            0,
        )
    )
    return out.getvalue()


def huge_cell(megabytes: int) -> Iterator[bytes]:
    yield b"<worksheet " + NS + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    block = b"x" * (1024 * 1024)
    for _ in range(megabytes):
        yield block
    yield b"</t></is></c></row></sheetData></worksheet>"


def blank_rows(count: int, *, declare: bool, header: bool = False) -> Iterator[bytes]:
    yield b"<worksheet " + NS + b">"
    if declare:
        yield b'<dimension ref="A1:B%d"/>' % count
    yield b"<sheetData>"
    start = 1
    if header:
        yield (
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>full_name</t></is></c>'
            b'<c r="B1" t="inlineStr"><is><t>email</t></is></c></row>'
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>An</t></is></c>'
            b'<c r="B2" t="inlineStr"><is><t>an@example.vn</t></is></c></row>'
        )
        start = 3
    for first in range(start, count + 1, 10_000):
        yield b"".join(b'<row r="%d"/>' % n for n in range(first, min(first + 10_000, count + 1)))
    yield b"</sheetData></worksheet>"


# The reading runs in a fresh process, so that its peak memory is its own.
PROBE = textwrap.dedent(
    """
    import json, resource, sys, time
    from app.imports.spreadsheets import FileProblem, read_table
    data = open(sys.argv[1], "rb").read()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    try:
        table = read_table(data, "bomb.xlsx")
        outcome = {"rows": len(table.rows)}
    except FileProblem as exc:
        outcome = {"msgid": exc.issue.msgid, "status": exc.status}
    outcome["seconds"] = time.monotonic() - start
    outcome["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outcome["grew_mb"] = outcome["peak_mb"] - before / 1024
    print(json.dumps(outcome))
    """
)


def _probe(tmp_path, data: bytes) -> dict[str, float | str]:  # type: ignore[no-untyped-def]
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_1_mb_workbook_unpacking_to_a_gigabyte_is_refused_at_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bomb = _with_sheet(huge_cell(1024))
    assert len(bomb) < 2 * 1024 * 1024  # about 1 MB on the wire
    outcome = _probe(tmp_path, bomb)
    assert outcome["msgid"] == m.FILE_UNPACKS_TOO_LARGE
    assert outcome["status"] == 413
    assert float(outcome["seconds"]) < 3
    assert float(outcome["grew_mb"]) < 50


def test_a_sheet_declaring_a_million_rows_is_refused_before_reading(tmp_path) -> None:  # type: ignore[no-untyped-def]
    outcome = _probe(tmp_path, _with_sheet(blank_rows(1_000_000, declare=True)))
    assert outcome["msgid"] == m.FILE_TOO_MANY_ROWS
    assert float(outcome["seconds"]) < 3
    assert float(outcome["grew_mb"]) < 50


def test_a_million_blank_rows_without_a_declared_size_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Without a <dimension> openpyxl would walk the whole sheet just to size it.
    outcome = _probe(tmp_path, _with_sheet(blank_rows(1_000_000, declare=False, header=True)))
    assert outcome["msgid"] == m.FILE_BAD_XLSX
    assert float(outcome["seconds"]) < 3
    assert float(outcome["grew_mb"]) < 50


@pytest.mark.parametrize("header", [False, True])
def test_a_long_run_of_blank_rows_ends_the_reading(tmp_path, header: bool) -> None:  # type: ignore[no-untyped-def]
    count = MAX_SHEET_ROWS - 1
    outcome = _probe(tmp_path, _with_sheet(blank_rows(count, declare=True, header=header)))
    if header:
        assert outcome.get("rows") == 1  # the data ends at the first long run of blank rows
    else:
        assert outcome["msgid"] == m.FILE_NO_HEADER
    assert float(outcome["seconds"]) < 3


def test_rows_far_apart_still_end_the_reading() -> None:
    # One row, then a run of blank rows just short of the stop, again and again.
    def sparse() -> Iterator[bytes]:
        yield b"<worksheet " + NS + b"><sheetData>"
        for block in range(12):
            n = block * (MAX_BLANK_RUN - 1) + 1
            yield (
                b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x%d</t></is></c></row>' % (n, n, n)
            )
            yield b"".join(b'<row r="%d"/>' % (n + k) for k in range(1, MAX_BLANK_RUN - 1))
        yield b"</sheetData></worksheet>"

    start = time.monotonic()
    with pytest.raises(FileProblem) as caught:
        read_table(_with_sheet(sparse()), "sparse.xlsx")
    assert caught.value.issue.msgid == m.FILE_TOO_MANY_ROWS
    assert time.monotonic() - start < 10


def test_the_api_refuses_the_bomb_with_a_short_problem(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    response = client.post(
        f"/api/v1/events/{event_id}/import",
        files={"file": ("bomb.xlsx", _with_sheet(huge_cell(1024)), "application/octet-stream")},
        data={"kind": "participants"},
        headers=organiser_headers,
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "40 MB" in response.json()["detail"]
    assert len(response.content) < 2000


def test_thousands_of_bad_rows_give_a_capped_list_of_problems(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    # 5,000 rows, each with a long unknown country and a long malformed e-mail address.
    long_value = "u" * 200
    lines = ["Họ và tên,Email,Quốc gia,Lĩnh vực"]
    lines += [
        f'Tên {i},{long_value}{i},{long_value},"{",".join(["zz"] * 200)}"' for i in range(5000)
    ]
    data = "\n".join(lines).encode()
    assert len(data) < 5 * 1024 * 1024
    start = time.monotonic()
    response = client.post(
        f"/api/v1/events/{event_id}/import",
        files={"file": ("bad.csv", data, "text/csv")},
        data={"kind": "participants"},
        params={"dry_run": "true"},
        headers=organiser_headers,
    )
    assert time.monotonic() - start < 30
    assert response.status_code in (200, 201), response.text[:500]
    errors = response.json()["errors"]
    assert len(errors) == MAX_LISTED_ISSUES + 1
    assert errors[-1]["row"] is None
    assert "more problems are not listed" in errors[-1]["message"]
    assert all(len(e["message"]) < 400 for e in errors)
    assert len(response.content) < 1024 * 1024
