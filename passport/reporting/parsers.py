"""Streaming parsers for batch files: .xlsx, .csv and XML, each yielding ``RawRecord``s.

A file-level problem (not the format it claims, a decompression bomb, a DTD, too many
rows, missing columns, an XSD violation) raises ``FileRefused`` with a message for the
provider; nothing is stored in that case. Row-level problems are validation's job.

.xlsx is read with python-calamine (Rust; about ten times openpyxl's read-only speed,
see docs/benchmarks.md) after the archive itself is checked for bombs.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree

from passport.errors import DomainError
from passport.reporting import medbiq
from passport.reporting.medbiq import ACTIVITY_REPORT_NS
from passport.reporting.records import (
    REQUIRED_COLUMNS,
    XML_ELEMENTS,
    Field,
    RawRecord,
    header_fields,
)
from passport.reporting.xml_safety import SAFE_XML_PARSING

MAX_ROWS = 1_000_000
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 250
# calamine holds a sheet in memory at about 100 bytes a cell: 1,000,000 cells (100,000 rows
# of the template's ten columns) peak at 258 MB in the upload job, 1,500,000 at 306 MB.
CALAMINE_MAX_CELLS = 1_200_000
# The fewest bytes of sheet XML a non-empty cell takes (`<c r="A2" t="s"><v>7</v></c>` is
# 28; typical cells take 30-60): an upper bound on the cells when the sheet's
# <dimension> is missing or understates it.
_MIN_BYTES_PER_CELL = 60
# calamine also holds every shared string as an object of its own, 23 to 55 bytes each
# whatever its length: 5,000,000 one-character strings (85 MB of XML, a 5.8 MB file) took
# a process from 73 to 349 MB (bench/xlsx_memory_bench.py). Past this many bytes of
# shared strings (at most ~40 MB in calamine) the streaming reader reads the workbook: it
# keeps them as one text and 4 bytes a string (the same file: 73 to 112 MB).
CALAMINE_MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024
# Even compact, shared strings are the text itself: past this a workbook is refused. A
# million-row upload of unique names and licence numbers takes about 70 MB.
MAX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024
XML_NAMESPACE = "urn:passport:completions:v1"
XSD_PATH = Path(__file__).resolve().parents[2] / "static" / "schemas" / "completions-v1.xsd"
_TOO_MANY_ROWS = f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files."


class FileRefused(DomainError):
    """The whole file is refused; ``str()`` says why in words a provider can act on."""


def _records(rows: Iterator[list[Any]], required: list[Field]) -> Iterator[RawRecord]:
    """Turn rows (header first) into records, skipping blank rows."""
    try:
        header = next(rows)
    except StopIteration:
        raise FileRefused("The file is empty: it has no header row.") from None
    fields, missing = header_fields(list(header), required)
    if missing:
        raise FileRefused(
            "The header row is missing these columns: "
            + ", ".join(missing)
            + ". Download the template to see the expected header."
        )
    for index, row in enumerate(rows, start=2):
        if index > MAX_ROWS + 1:
            raise FileRefused(_TOO_MANY_ROWS)
        values = {
            field: value
            for field, value in zip(fields, row, strict=False)
            if field is not None and value not in (None, "")
        }
        if values:
            yield RawRecord(index, values)


def check_xlsx_archive(path: Path) -> int:
    """Refuse what is not an .xlsx, and archives that would expand into a bomb.
    Returns the uncompressed size of the worksheets, in bytes."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
    except (zipfile.BadZipFile, OSError):
        raise FileRefused("This file is not an Excel .xlsx workbook.") from None
    if "xl/workbook.xml" not in names:
        raise FileRefused("This file is not an Excel .xlsx workbook.")
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FileRefused("This workbook expands to more than 1 GB. Split it into smaller files.")
    for member in members:
        if member.file_size > 10_000_000 and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            raise FileRefused(
                "This workbook looks like a decompression bomb (it expands far more than any "
                "real spreadsheet) and was refused."
            )
    if shared_strings_bytes(members) > MAX_SHARED_STRINGS_BYTES:
        raise FileRefused(
            f"This workbook holds more than {MAX_SHARED_STRINGS_BYTES // (1024 * 1024)} MB "
            "of text (its shared strings). Split it into smaller files."
        )
    return sum(m.file_size for m in members if m.filename.startswith("xl/worksheets/"))


def shared_strings_bytes(members: list[zipfile.ZipInfo]) -> int:
    """The uncompressed size of the shared-strings part (named in any case, as both
    readers find it)."""
    return max(
        (m.file_size for m in members if m.filename.lower() == "xl/sharedstrings.xml"),
        default=0,
    )


def read_xlsx(path: Path, required: list[Field] = REQUIRED_COLUMNS) -> Iterator[RawRecord]:
    """Records from the first worksheet of an .xlsx file."""
    yield from _records(xlsx_sheet_rows(path), required)


def xlsx_sheet_rows(path: Path) -> Iterator[list[Any]]:
    """The first worksheet's rows, header first, for every .xlsx Passport reads (uploads,
    activities, rosters), after the archive checks.

    calamine (fast, ten times openpyxl) holds the whole sheet in memory, about 100 bytes a
    cell, and each shared string as an object; a sheet of more than ``CALAMINE_MAX_CELLS``
    cells, or of more than ``CALAMINE_MAX_SHARED_STRINGS_BYTES`` of shared strings, is
    streamed row by row instead (``xlsx_stream``: only the shared strings are held, one
    text and 4 bytes each), so peak memory stays under 300 MB at any size.
    """
    from python_calamine import CalamineError, CalamineWorkbook

    sheet_bytes = check_xlsx_archive(path)
    if not calamine_can_hold(path, sheet_bytes):
        yield from _streamed_rows(path)
        return
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except (CalamineError, ValueError, OSError) as error:
        raise FileRefused(f"This workbook could not be read: {error}") from None
    if sheet.height > MAX_ROWS + 1:
        raise FileRefused(_TOO_MANY_ROWS)
    try:
        yield from sheet.iter_rows()
    finally:
        workbook.close()


def calamine_can_hold(path: Path, sheet_bytes: int) -> bool:
    """Whether the first sheet is small enough for calamine (see ``CALAMINE_MAX_CELLS``):
    its cells by its <dimension>, or by its size when that says more; and its shared
    strings few enough (``CALAMINE_MAX_SHARED_STRINGS_BYTES``)."""
    with zipfile.ZipFile(path) as archive:
        if shared_strings_bytes(archive.infolist()) > CALAMINE_MAX_SHARED_STRINGS_BYTES:
            return False
    rows, columns = _dimension(path)
    return max(rows * columns, sheet_bytes // _MIN_BYTES_PER_CELL) <= CALAMINE_MAX_CELLS


_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)\d+(?::([A-Z]+)(\d+))?"')


def _dimension(path: Path) -> tuple[int, int]:
    """(last row, columns) of the first sheet, the one both readers read, from its
    <dimension> tag, which comes first in the sheet; (0, 0) when there is none, or when
    the workbook cannot say which sheet is first (the reader will refuse it)."""
    from openpyxl.utils.cell import column_index_from_string

    from passport.reporting.xlsx_stream import SheetUnreadable, first_sheet_name

    with zipfile.ZipFile(path) as archive:
        try:
            name = first_sheet_name(archive)
            sheet = archive.open(name)
        except (SheetUnreadable, etree.XMLSyntaxError, KeyError):
            return 0, 0
        with sheet:
            match = _DIMENSION.search(sheet.read(4096))
    if not match or not match.group(2):
        return 0, 0
    first, last, rows = match.group(1), match.group(2), match.group(3)
    columns = column_index_from_string(last.decode()) - column_index_from_string(first.decode())
    return int(rows), columns + 1


def estimate_xlsx_rows(path: Path) -> int:
    """Data rows of an .xlsx (header excluded) without loading its sheet, for the
    progress bar; 0 for a file the parser will refuse anyway."""
    try:
        sheet_bytes = check_xlsx_archive(path)
        rows, _columns = _dimension(path)
        return max((rows or sheet_bytes // 100) - 1, 0)
    except (FileRefused, zipfile.BadZipFile, OSError):
        return 0


def _streamed_rows(path: Path) -> Iterator[list[Any]]:
    from passport.reporting.xlsx_stream import SheetUnreadable, iter_sheet_rows

    try:
        yield from iter_sheet_rows(path)
    except (SheetUnreadable, etree.XMLSyntaxError, zipfile.BadZipFile, ValueError) as error:
        raise FileRefused(f"This workbook could not be read: {error}") from None
    except KeyError as error:  # a part the workbook names is not in the archive
        raise FileRefused(f"This workbook could not be read: no part {error}") from None


_ENCODING_SAMPLE = 65536


def _text_stream(handle: IO[bytes]) -> io.TextIOWrapper:
    """UTF-8 (with or without BOM) when the start decodes as such, else Windows-1252."""
    start = handle.read(_ENCODING_SAMPLE)
    handle.seek(0)
    try:
        start.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of a full sample is still UTF-8.
        cut_at_end = len(start) == _ENCODING_SAMPLE and error.start > len(start) - 4
        encoding = "utf-8-sig" if cut_at_end else "cp1252"
    if b"\x00" in start:
        raise FileRefused("This file is not a text .csv file.")
    return io.TextIOWrapper(handle, encoding=encoding, newline="")


def read_csv(path: Path, required: list[Field] = REQUIRED_COLUMNS) -> Iterator[RawRecord]:
    """Records from a .csv file (comma, semicolon or tab separated)."""
    with open(path, "rb") as handle:
        text = _text_stream(handle)
        try:
            first_line = text.readline()
            text.seek(0)
            delimiter = max(",;\t", key=first_line.count)
            yield from _records(iter(csv.reader(text, delimiter=delimiter)), required)
        except (UnicodeDecodeError, csv.Error) as error:
            raise FileRefused(f"This .csv file could not be read: {error}") from None


_schema: etree.XMLSchema | None = None


def completion_schema() -> etree.XMLSchema:
    global _schema
    if _schema is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        _schema = etree.XMLSchema(etree.parse(str(XSD_PATH), parser))
    return _schema


def xml_format(path: Path) -> str:
    """Which XML a file is, by its root element's namespace: ``medbiq`` (a MedBiquitous
    ActivityReport v2) or ``passport_xml`` (anything else: its reader says what is wrong).
    Reads only up to the root element's start, with the safe parser settings."""
    try:
        with open(path, "rb") as handle:
            for _event, element in etree.iterparse(handle, events=("start",), **SAFE_XML_PARSING):
                namespace = etree.QName(element).namespace
                return "medbiq" if namespace == ACTIVITY_REPORT_NS else "passport_xml"
    except (etree.XMLSyntaxError, OSError):
        pass
    return "passport_xml"


def file_format(method: str, path: Path) -> str:
    """The format of an uploaded file, for its messages' names (``records.field_titles``)."""
    return xml_format(path) if method == "xml" else method


def read_xml(path: Path) -> Iterator[RawRecord]:
    """Records from an XML file: a MedBiquitous ActivityReport (``medbiq``) by its
    namespace, else a Passport XML batch, validated against the XSD while streaming.

    A DTD of any kind is refused before anything is expanded; entities are never
    resolved and the network is never touched.
    """
    if xml_format(path) == "medbiq":
        yield from read_medbiq(path)
        return
    tag = f"{{{XML_NAMESPACE}}}Completion"
    element_fields = {f"{{{XML_NAMESPACE}}}{name}": field for field, name in XML_ELEMENTS.items()}
    with open(path, "rb") as handle:
        yield from _iterate_xml(handle, tag, element_fields)


def _iterate_xml(handle, tag: str, element_fields: dict) -> Iterator[RawRecord]:
    """Only the end of each Completion reaches Python (``tag``): its fields are read from
    its children, then it is dropped, so memory stays flat and the parser's C code does the
    walking (a Python step per element cost a quarter of the XML job's parsing time)."""
    context = etree.iterparse(
        handle,
        events=("end",),
        tag=tag,
        schema=completion_schema(),
        **SAFE_XML_PARSING,
    )
    number = 0
    try:
        for _event, element in context:
            if number == 0:
                _check_document(element.getroottree())
            number += 1
            if number > MAX_ROWS:
                raise FileRefused(_TOO_MANY_ROWS)
            values = {}
            for child in element:
                text = child.text
                if text and (text := text.strip()):
                    field = element_fields.get(child.tag)
                    if field is not None:
                        values[field] = text
            element.clear(keep_tail=False)
            parent = element.getparent()
            while (previous := element.getprevious()) is not None:
                parent.remove(previous)
            yield RawRecord(number, values)
        if number == 0 and context.root is not None:
            _check_document(context.root.getroottree())
    except etree.XMLSyntaxError as error:
        raise FileRefused(f"The XML file is not valid: {_xml_error(error)}") from None
    except etree.DocumentInvalid as error:
        raise FileRefused(f"The XML file does not follow the schema: {_xml_error(error)}") from None


def read_medbiq(path: Path) -> Iterator[RawRecord]:
    """Records from a MedBiquitous ActivityReport v2 file (``reporting.medbiq``)."""
    try:
        yield from medbiq.read_records(path, MAX_ROWS)
    except medbiq.MedbiqRefused as error:
        raise FileRefused(str(error)) from None
    except etree.XMLSyntaxError as error:
        raise FileRefused(f"The XML file is not valid: {_xml_error(error)}") from None


def _check_document(tree) -> None:
    """A DTD of any kind is refused (it is never loaded nor expanded); the root must be
    Passport's batch element."""
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise FileRefused("XML files with a DTD (DOCTYPE) are refused.")
    if tree.getroot().tag != f"{{{XML_NAMESPACE}}}CompletionBatch":
        raise FileRefused(f"The root element must be CompletionBatch in namespace {XML_NAMESPACE}.")


def _xml_error(error: Exception) -> str:
    message = str(error)
    if "Entity" in message or "entity" in message or "DOCTYPE" in message:
        return "entities and DTDs are not allowed. " + message[:300]
    return message[:500]


READERS = {"xlsx": read_xlsx, "csv": read_csv, "xml": read_xml}


def method_for_filename(filename: str) -> str | None:
    suffix = Path(filename).suffix.lower().lstrip(".")
    return suffix if suffix in READERS else None
