"""The streaming .xlsx reader (sheets too large for calamine) gives the rows calamine gives,
and refuses broken or hostile sheets cleanly. calamine is the oracle throughout."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from passport.reporting import parsers
from passport.reporting.parsers import FileRefused, read_xlsx
from passport.reporting.records import Field
from passport.reporting.xlsx_stream import SharedStrings, iter_sheet_rows
from tests.reporting.helpers import row, write, xlsx_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _trimmed(rows) -> list[list]:
    """Rows compared by content: calamine pads empty cells with "" to the sheet's width."""
    out = []
    for values in rows:
        values = [None if value == "" else value for value in values]
        while values and values[-1] is None:
            values.pop()
        out.append(values)
    return out


def _calamine_rows(path) -> list[list]:
    return _trimmed(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())


def test_an_openpyxl_workbook_reads_as_calamine_reads_it(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.cell(row=3, column=1, value="Header A")  # the data starts on row 3
    sheet.cell(row=3, column=3, value="Header C")
    sheet.append(["Zoë O'Brien-Núñez", 7, 1.25, True, date(2026, 3, 1)])
    sheet.append([None, None, datetime(2026, 3, 1, 14, 30), False, -3])
    sheet.append([])  # a blank row in the middle
    sheet.append(["last", 1e21, 0.1])
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    streamed = _trimmed(iter_sheet_rows(path))
    assert streamed == _calamine_rows(path)
    assert streamed[:3] == [[], [], ["Header A", None, "Header C"]]
    assert streamed[3][4] == date(2026, 3, 1)


def test_a_date_cell_past_year_9999_reads_as_its_number(tmp_path):
    """Found in review: the streamed reader raised OverflowError (a failed upload job)
    where calamine gives the number, which validation then refuses as no date."""
    workbook = Workbook()
    sheet = workbook.active
    for value in (3_000_000, 1e12, 46082):
        sheet.append([value])
        sheet.cell(row=sheet.max_row, column=1).number_format = "mm/dd/yyyy"
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    streamed = _trimmed(iter_sheet_rows(path))
    assert streamed == _calamine_rows(path)
    assert streamed == [[3_000_000], [1e12], [date(2026, 3, 1)]]


def _package(sheet_xml: str, shared: str | None, styles: str, date1904: bool = False) -> bytes:
    """A minimal workbook as Excel writes one: shared strings, styles, relationships."""
    properties = '<workbookPr date1904="1"/>' if date1904 else ""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/data.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships">{properties}<sheets>'
            '<sheet name="Learners" sheetId="1" r:id="rId7"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/data.xml"/>'
            '<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/styles" Target="styles.xml"/>'
            + (
                '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                if shared is not None
                else ""
            )
            + "</Relationships>"
        ),
        "xl/styles.xml": styles,
        "xl/worksheets/data.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_xml}'
        "</sheetData></worksheet>",
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{shared}</sst>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="2"/>'
    '<xf numFmtId="22"/></cellXfs></styleSheet>'
)


def test_shared_strings_rich_text_formulas_and_custom_date_formats(tmp_path):
    shared = (
        "<si><t>Activity ID</t></si>"
        "<si><r><t>Zo</t></r><r><rPr><b/></rPr><t>ë</t></r></si>"  # rich text, two runs
        "<si><t>Tanaka</t><rPh><t>タナカ</t></rPh></si>"  # a phonetic guide, not text
        "<si><t>a &amp; b</t></si>"
    )
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>46082</v></c>'
        '<c r="C2" s="2"><v>1.5</v></c><c r="D2" t="str"><f>A2&amp;"x"</f><v>Tanakax</v></c>'
        '<c r="F2" t="b"><v>1</v></c><c r="G2" s="3"><v>46082.75</v></c></row>'
        '<row r="4"><c r="C4" t="s"><v>3</v></c><c r="D4"><v>42</v></c>'
        '<c r="E4" t="inlineStr"><is><t>inline</t></is></c></row>'
    )
    path = write(tmp_path, "shared.xlsx", _package(sheet, shared, STYLES))
    streamed = _trimmed(iter_sheet_rows(path))
    assert streamed == _calamine_rows(path)
    assert streamed[0] == ["Activity ID", "Zoë"]
    assert streamed[1][:4] == ["Tanaka", date(2026, 3, 1), 1.5, "Tanakax"]
    assert streamed[2] == []  # row 3 is missing from the sheet: an empty row, as calamine
    assert streamed[3] == [None, None, "a & b", 42, "inline"]


def test_the_1904_date_system(tmp_path):
    sheet = '<row r="1"><c r="A1" s="1"><v>44620</v></c></row>'
    path = write(tmp_path, "mac.xlsx", _package(sheet, None, STYLES, date1904=True))
    assert _trimmed(iter_sheet_rows(path)) == _calamine_rows(path) == [[date(2026, 3, 1)]]


def test_sheets_go_to_calamine_only_while_it_can_hold_them(tmp_path, monkeypatch):
    path = write(tmp_path, "a.xlsx", xlsx_bytes([row(), row(), row()]))  # 4 rows, 10 columns
    sheet_bytes = parsers.check_xlsx_archive(path)
    assert parsers._dimension(path)[0] == 4
    assert parsers.calamine_can_hold(path, sheet_bytes)
    monkeypatch.setattr(parsers, "CALAMINE_MAX_CELLS", 39)  # by its <dimension>: 40 cells
    assert not parsers.calamine_can_hold(path, sheet_bytes)
    # No <dimension> (or one that understates the sheet): its size decides.
    bare = write(tmp_path, "bare.xlsx", _package('<row r="1"><c><v>1</v></c></row>', None, STYLES))
    assert parsers._dimension(bare) == (0, 0)
    monkeypatch.setattr(parsers, "CALAMINE_MAX_CELLS", 10)
    assert parsers.calamine_can_hold(bare, 600)
    assert not parsers.calamine_can_hold(bare, 60 * 11)
    # The <dimension> is read from the workbook's first sheet, whatever its part is named.
    named = _with_sheet(
        _package('<row r="1"><c><v>1</v></c></row>', None, STYLES),
        lambda xml: xml.replace(b"<sheetData>", b'<dimension ref="B2:D9"/><sheetData>'),
    )
    assert parsers._dimension(write(tmp_path, "named.xlsx", named)) == (9, 3)


def _with_sheet(content: bytes, change) -> bytes:
    """The package with its worksheet's XML changed by ``change`` (None: left out)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/data.xml":
                if change is None:
                    continue
                data = change(data)
            target.writestr(item, data)
    return buffer.getvalue()


@pytest.fixture
def streamed(monkeypatch):
    """Send every sheet, however small, down the streaming path."""
    monkeypatch.setattr(parsers, "CALAMINE_MAX_CELLS", 0)


def test_uploads_read_the_same_records_either_way(tmp_path, monkeypatch):
    content = xlsx_bytes(
        [row(completion_date=datetime(2026, 3, 1), credits=1.5), row(first_name="Zoë")]
    )
    path = write(tmp_path, "a.xlsx", content)
    fast = [(r.row_number, r.values) for r in read_xlsx(path)]
    monkeypatch.setattr(parsers, "CALAMINE_MAX_CELLS", 0)
    assert [(r.row_number, r.values) for r in read_xlsx(path)] == fast
    assert fast[1][1][Field.FIRST_NAME] == "Zoë"


def test_a_sheet_with_a_dtd_is_refused_before_any_entity_is_read(tmp_path, streamed):
    sheet = '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol;</t></is></c></row>'
    content = _with_sheet(
        _package(sheet, None, STYLES),
        lambda xml: b'<!DOCTYPE worksheet [<!ENTITY lol "lollollol">]>' + xml,
    )
    path = write(tmp_path, "evil.xlsx", content)
    with pytest.raises(FileRefused, match="DTD") as refused:
        list(read_xlsx(path))
    assert "lollollol" not in str(refused.value)


@pytest.mark.parametrize(
    "sheet",
    [
        '<row r="1"><c r="A1"><v>1</v></c>',  # cut off
        '<row r="1"><c r="A1" t="s"><v>99</v></c></row>',  # no such shared string
        '<row r="1"><c r="A1"><v>not a number</v></c></row>',
    ],
)
def test_broken_sheets_are_refused_with_a_message(tmp_path, streamed, sheet):
    path = write(tmp_path, "broken.xlsx", _package(sheet, "<si><t>x</t></si>", STYLES))
    with pytest.raises(FileRefused, match="could not be read"):
        list(read_xlsx(path))


def test_a_workbook_whose_sheet_is_missing_is_refused(tmp_path, streamed):
    content = _with_sheet(_package('<row r="1"><c><v>1</v></c></row>', None, STYLES), None)
    path = write(tmp_path, "hollow.xlsx", content)
    with pytest.raises(FileRefused, match="could not be read"):
        list(read_xlsx(path))


def test_shared_strings_are_kept_compact_and_read_back_exactly(monkeypatch):
    monkeypatch.setattr(SharedStrings, "_BATCH", 2)  # several joined batches, and a rest
    texts = ["Activity ID", "", "Zoë", "O'Brien-Núñez", "タナカ", "A123456", "x"]
    strings = SharedStrings()
    for text in texts:
        strings.append(text)
    strings.finish()
    assert len(strings) == len(texts)
    assert [strings[i] for i in range(len(texts))] == texts
    for outside in (-1, len(texts)):
        with pytest.raises(IndexError):
            strings[outside]
