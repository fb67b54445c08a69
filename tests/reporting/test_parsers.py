"""Parsers: formats people send, and hostile or broken files refused cleanly."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest

from passport.reporting import parsers
from passport.reporting.parsers import FileRefused, read_csv, read_xlsx, read_xml
from passport.reporting.records import Field
from tests.reporting.helpers import csv_bytes, row, write, xlsx_bytes, xml_bytes


def test_xlsx_real_dates_and_numbers_come_through(tmp_path):
    path = write(
        tmp_path, "a.xlsx", xlsx_bytes([row(completion_date=datetime(2026, 3, 1), credits=1.5)])
    )
    (record,) = list(read_xlsx(path))
    assert record.row_number == 2
    assert str(record.get(Field.COMPLETION_DATE))[:10] == "2026-03-01"  # a real date, not text
    assert record.get(Field.CREDITS) == 1.5


def test_headers_are_forgiving(tmp_path):
    header = [
        "record action",
        "ACTIVITY ID",
        "Completion date",
        "first name",
        "LAST NAME",
        "DOB (MM/DD)",
        "licensing state",
        "Licensing ID",
        "credits",
        "Credit type",
        "Permission",
        "Permission scope",
    ]
    (record,) = list(read_csv(write(tmp_path, "a.csv", csv_bytes([row()], header=header))))
    assert record.get(Field.LICENSE_OR_NPI) == "A123456"


def test_missing_columns_are_named(tmp_path):
    with pytest.raises(FileRefused, match="Activity ID"):
        list(read_csv(write(tmp_path, "a.csv", b"First Name,Last Name\nA,B\n")))


def test_blank_rows_are_skipped_and_numbers_kept(tmp_path):
    content = csv_bytes([row()]) + b",,,,,,,,,,,\n" + csv_bytes([row()]).split(b"\n", 1)[1]
    records = list(read_csv(write(tmp_path, "a.csv", content)))
    assert [r.row_number for r in records] == [2, 4]


def test_csv_in_windows_1252_and_semicolons(tmp_path):
    text = (
        ";".join(
            [
                "Record Action",
                "Activity ID",
                "Completion Date",
                "First Name",
                "Last Name",
                "Date of Birth (MM/DD)",
                "Licensing State",
                "Licensing ID or NPI",
                "Number of CME Credits",
                "Credit Type",
            ]
        )
        + "\r\n"
    )
    text += "Add;ACT-1;01/02/2026;José;Núñez;04/12;CA;A1;1;AMA PRA Category 1\r\n"
    (record,) = list(read_csv(write(tmp_path, "a.csv", text.encode("cp1252"))))
    assert record.get(Field.FIRST_NAME) == "José"


def test_not_an_xlsx(tmp_path):
    with pytest.raises(FileRefused, match="not an Excel"):
        list(read_xlsx(write(tmp_path, "a.xlsx", b"just text, not a zip")))
    with pytest.raises(FileRefused, match="not an Excel"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hi")
        list(read_xlsx(write(tmp_path, "b.xlsx", buffer.getvalue())))


def test_truncated_xlsx(tmp_path):
    content = xlsx_bytes([row()])
    with pytest.raises(FileRefused):
        list(read_xlsx(write(tmp_path, "a.xlsx", content[: len(content) // 2])))


def test_decompression_bomb_xlsx_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 60_000_000 + b">")
    path = write(tmp_path, "bomb.xlsx", buffer.getvalue())
    assert path.stat().st_size < 200_000
    with pytest.raises(FileRefused, match="decompression bomb"):
        list(read_xlsx(path))


def test_too_many_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(parsers, "MAX_ROWS", 2)
    monkeypatch.setattr(parsers, "_TOO_MANY_ROWS", "more than 2 rows")
    for name, builder, reader in (
        ("a.csv", csv_bytes, read_csv),
        ("a.xlsx", xlsx_bytes, read_xlsx),
        ("a.xml", xml_bytes, read_xml),
    ):
        with pytest.raises(FileRefused, match="more than 2 rows"):
            list(reader(write(tmp_path, name, builder([row()] * 3))))


def test_xml_validates_against_the_schema(tmp_path):
    records = list(read_xml(write(tmp_path, "a.xml", xml_bytes([row(), row()]))))
    assert [r.row_number for r in records] == [1, 2]
    bad = (
        xml_bytes([row()])
        .replace(b"<FirstName>", b"<Nickname>")
        .replace(b"</FirstName>", b"</Nickname>")
    )
    with pytest.raises(FileRefused, match="schema|not valid"):
        list(read_xml(write(tmp_path, "b.xml", bad)))


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE CompletionBatch [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CompletionBatch xmlns="urn:passport:completions:v1"><Completion><ActivityID>&xxe;</ActivityID>
<FirstName>a</FirstName><LastName>b</LastName><DateOfBirth>01/01</DateOfBirth>
<LicensingIDOrNPI>A1</LicensingIDOrNPI></Completion></CompletionBatch>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<CompletionBatch xmlns="urn:passport:completions:v1"><Completion><ActivityID>&lol4;</ActivityID>
<FirstName>a</FirstName><LastName>b</LastName><DateOfBirth>01/01</DateOfBirth>
<LicensingIDOrNPI>A1</LicensingIDOrNPI></Completion></CompletionBatch>"""


@pytest.mark.parametrize("content", [XXE, BILLION_LAUGHS])
def test_xml_with_a_dtd_is_refused_and_nothing_is_expanded(tmp_path, content):
    with pytest.raises(FileRefused) as refused:
        list(read_xml(write(tmp_path, "evil.xml", content)))
    assert "root:" not in str(refused.value)  # /etc/passwd was never read
    assert "lollollol" not in str(refused.value)


def test_xml_with_a_dtd_and_no_completions_is_refused(tmp_path):
    content = b"""<?xml version="1.0"?><!DOCTYPE CompletionBatch [<!ENTITY a "b">]>
<CompletionBatch xmlns="urn:passport:completions:v1"/>"""
    with pytest.raises(FileRefused, match="DTD"):
        list(read_xml(write(tmp_path, "evil.xml", content)))


@pytest.mark.parametrize("content", [b"", b"<CompletionBatch", b"not xml at all", b"<Other/>"])
def test_malformed_xml(tmp_path, content):
    with pytest.raises(FileRefused):
        list(read_xml(write(tmp_path, "bad.xml", content)))


def test_empty_files(tmp_path):
    with pytest.raises(FileRefused, match="empty"):
        list(read_csv(write(tmp_path, "a.csv", b"")))
