"""Rows of an .xlsx worksheet, streamed: for sheets too large for calamine.

calamine (the fast reader, ``parsers.read_xlsx``) holds a whole sheet in memory, about
100 bytes a cell, so sheets of more than ``parsers.CALAMINE_MAX_CELLS`` cells are streamed
instead. openpyxl's read-only mode streams too, but spends about 190 µs a row in Python
(it builds an object per cell, and one per inline string): a 150,000-row upload ran at
2,900 rows/s. This reader parses the sheet with expat's callbacks, 64 KB at a time, about
3.5 times faster, and gives the values calamine gives: numbers as int or float, dates by
the cell's number format (a date, or a datetime when it has a time), booleans, text.

Only what an upload needs is read: the first worksheet's cell values. Number formats
come from the workbook's styles, and openpyxl's own helpers decide which are dates and
convert Excel's day numbers (``is_date_format``, ``from_excel``). The archive has already
been checked for bombs (``parsers.check_xlsx_archive``); its XML parts are parsed with
no DTD, no entity expansion and no network.
"""

from __future__ import annotations

import posixpath
import zipfile
from array import array
from collections.abc import Iterator
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.parsers import expat

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from passport.reporting.xml_safety import SAFE_XML_PARSING

_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


class SheetUnreadable(ValueError):
    """The workbook's parts are missing or not what an .xlsx holds."""


def _parse(archive: zipfile.ZipFile, name: str) -> etree._Element:
    """A small part of the workbook (workbook, relationships, styles), parsed whole."""
    try:
        with archive.open(name) as part:
            tree = etree.parse(part, etree.XMLParser(**SAFE_XML_PARSING))
    except KeyError:
        raise SheetUnreadable(f"the workbook has no {name}") from None
    if tree.docinfo.doctype:
        raise SheetUnreadable("the workbook contains a DTD")
    return tree.getroot()


def iter_sheet_rows(path: Path) -> Iterator[list[Any]]:
    """The first worksheet's rows as lists of values (None for an empty cell), from row 1:
    rows the sheet leaves out come out empty, so positions are row numbers, as calamine's
    are."""
    with zipfile.ZipFile(path) as archive:
        workbook = _parse(archive, "xl/workbook.xml")
        main = etree.QName(workbook).namespace
        sheet_name = _first_sheet_part(archive, workbook, main)
        epoch = _epoch(workbook, main)
        date_styles = _date_styles(archive, main)
        shared = _shared_strings(archive, main)
        with archive.open(sheet_name) as sheet:
            yield from _rows(sheet, main, shared, date_styles, epoch)


def first_sheet_name(archive: zipfile.ZipFile) -> str:
    """The archive's part holding the workbook's first sheet, as calamine's index 0."""
    workbook = _parse(archive, "xl/workbook.xml")
    return _first_sheet_part(archive, workbook, etree.QName(workbook).namespace)


def _first_sheet_part(archive: zipfile.ZipFile, workbook: etree._Element, main: str) -> str:
    sheet = workbook.find(f"{{{main}}}sheets/{{{main}}}sheet")
    if sheet is None:
        raise SheetUnreadable("the workbook has no worksheet")
    relationship_id = sheet.get(f"{{{_RELATIONSHIPS}}}id")
    relationships = _parse(archive, "xl/_rels/workbook.xml.rels")
    for relationship in relationships.iter(f"{{{_PACKAGE_RELATIONSHIPS}}}Relationship"):
        if relationship.get("Id") == relationship_id:
            target = relationship.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    raise SheetUnreadable("the workbook's first worksheet cannot be found")


def _epoch(workbook: etree._Element, main: str):
    properties = workbook.find(f"{{{main}}}workbookPr")
    if properties is not None and properties.get("date1904") in ("1", "true"):
        return CALENDAR_MAC_1904
    return CALENDAR_WINDOWS_1900


def _date_styles(archive: zipfile.ZipFile, main: str) -> frozenset[int]:
    """Indexes of the cell formats (a cell's ``s``) that show a date or time."""
    if "xl/styles.xml" not in archive.namelist():
        return frozenset()
    styles = _parse(archive, "xl/styles.xml")
    formats = dict(BUILTIN_FORMATS)
    for number_format in styles.iterfind(f"{{{main}}}numFmts/{{{main}}}numFmt"):
        formats[int(number_format.get("numFmtId", "0"))] = number_format.get("formatCode", "")
    cell_formats = styles.iterfind(f"{{{main}}}cellXfs/{{{main}}}xf")
    return frozenset(
        index
        for index, cell_format in enumerate(cell_formats)
        if is_date_format(formats.get(int(cell_format.get("numFmtId", "0")), ""))
    )


class SharedStrings:
    """A workbook's shared strings, compact: the text in chunks of ``_BATCH`` strings, and
    a table of where each string ends in its chunk. A list of 2,700,000 separate strings
    (a 900,000-row sheet of unique names and licence numbers) took some 200 MB; this takes
    the text's own size plus 4 bytes a string, so memory stays under the target whatever
    the sheet. (Chunks, not one joined text: joining would hold the text twice.)"""

    _BATCH = 4096

    def __init__(self) -> None:
        self._ends = array("I")
        self._length = 0  # of the chunk being filled
        self._batch: list[str] = []
        self._chunks: list[str] = []

    def append(self, text: str) -> None:
        self._length += len(text)
        self._ends.append(self._length)
        self._batch.append(text)
        if len(self._batch) >= self._BATCH:
            self._chunks.append("".join(self._batch))
            self._batch, self._length = [], 0

    def finish(self) -> SharedStrings:
        if self._batch:
            self._chunks.append("".join(self._batch))
        self._batch = []
        return self

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self._ends):
            raise IndexError(f"no shared string {index}")
        chunk, place = divmod(index, self._BATCH)
        start = self._ends[index - 1] if place else 0
        return self._chunks[chunk][start : self._ends[index]]


def _shared_strings(archive: zipfile.ZipFile, main: str) -> SharedStrings:
    """The workbook's shared strings, in order (text cells point into them)."""
    strings = SharedStrings()
    names = {name.lower(): name for name in archive.namelist()}
    name = names.get("xl/sharedstrings.xml")
    if name is None:
        return strings.finish()
    with archive.open(name) as part:
        for _event, item in etree.iterparse(
            part, events=("end",), tag=f"{{{main}}}si", **SAFE_XML_PARSING
        ):
            strings.append(_text_of(item, main))
            item.clear(keep_tail=False)
            parent = item.getparent()
            while (earlier := item.getprevious()) is not None:
                parent.remove(earlier)  # read items go, or the tree keeps every one
    return strings.finish()


def _text_of(item: etree._Element, main: str) -> str:
    """A string item's text: its ``t``, or its rich-text runs' ``t`` joined, without
    phonetic guides (``rPh``)."""
    plain = item.find(f"{{{main}}}t")
    if plain is not None:
        return plain.text or ""
    return "".join(run.text or "" for run in item.iterfind(f"{{{main}}}r/{{{main}}}t"))


_DIGITS = "0123456789"


@lru_cache(maxsize=1024)
def _column(reference: str) -> int:
    """0-based column of a cell reference such as ``C12``."""
    return column_index_from_string(reference.rstrip(_DIGITS)) - 1


_FEED_BYTES = 1 << 16
MIDNIGHT = time(0)


def _rows(sheet, main: str, shared: SharedStrings, date_styles: frozenset[int], epoch):
    """Feed the sheet to the parser 64 KB at a time and give out the rows completed so
    far; no tree is built, so memory stays flat whatever the sheet's size."""
    reader = _SheetReader(main, shared, date_styles, epoch)
    previous = 0  # the last row number given out
    while True:
        block = sheet.read(_FEED_BYTES)
        try:
            reader.parser.Parse(block, not block)
        except expat.ExpatError as error:
            raise SheetUnreadable(f"the worksheet is not well-formed XML ({error})") from None
        except SheetUnreadable:
            raise
        except (ValueError, IndexError) as error:  # a number that is not one, no such string
            raise SheetUnreadable(f"a cell's value is not valid ({error})") from None
        for number, values in reader.take_rows():
            for _missing in range(number - previous - 1):
                yield []  # a row the sheet leaves out (empty): positions stay row numbers
            previous = number
            yield values
        if not block:
            return


class _SheetReader:
    """Collects each ``<row>``'s cell values as the sheet is parsed.

    The sheet is the one large part of a workbook, with some thirty elements a row, so it
    is read with expat's callbacks (the cheapest per element that Python offers: lxml's
    parser-target callbacks took half as long again) and each callback does as little as
    it can: a cell's kind, style and reference on its start, its text while inside ``<v>``
    or an inline string's ``<t>``, its value on its end. A DTD is refused at its first
    byte, so no entity is ever declared, let alone expanded or fetched."""

    def __init__(self, main: str, shared: SharedStrings, date_styles: frozenset[int], epoch):
        self.row_tag, self.cell_tag = f"{main} row", f"{main} c"
        self.text_tags = frozenset({f"{main} v", f"{main} t"})
        self.phonetic_tag = f"{main} rPh"
        self.shared, self.date_styles, self.epoch = shared, date_styles, epoch
        self.done: list[tuple[int, list[Any]]] = []
        self.number = 0
        self.values: list[Any] = []
        self.kind = self.style = self.reference = None
        self.position = 0
        self.parts: list[str] = []
        self.collecting = False
        self.in_phonetic = False
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse_dtd
        parser.EntityDeclHandler = self._refuse_dtd
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.data
        self.parser = parser

    def take_rows(self) -> list[tuple[int, list[Any]]]:
        done, self.done = self.done, []
        return done

    def _refuse_dtd(self, *_args: Any) -> None:
        raise SheetUnreadable("the worksheet contains a DTD")

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if tag == self.cell_tag:
            self.kind = attrib.get("t", "n")
            self.style = attrib.get("s")
            self.reference = attrib.get("r")
            self.parts = []
        elif tag in self.text_tags:
            self.collecting = not self.in_phonetic
        elif tag == self.row_tag:
            number = attrib.get("r")
            self.number = int(number) if number else self.number + 1
            self.values = []
            self.position = 0
        elif tag == self.phonetic_tag:
            self.in_phonetic = True

    def data(self, text: str) -> None:
        if self.collecting:
            self.parts.append(text)

    def end(self, tag: str) -> None:
        if tag in self.text_tags:
            self.collecting = False
        elif tag == self.cell_tag:
            self._end_cell()
        elif tag == self.row_tag:
            self.done.append((self.number, self.values))
        elif tag == self.phonetic_tag:
            self.in_phonetic = False

    def _end_cell(self) -> None:
        position = _column(self.reference) if self.reference else self.position
        self.position = position + 1
        if not self.parts:
            return
        text = "".join(self.parts)
        if self.kind == "inlineStr":
            value = text
        else:
            value = _cell_value(
                self.kind, text, self.style, self.shared, self.date_styles, self.epoch
            )
        if value is None or value == "":
            return
        values = self.values
        if position >= len(values):
            values.extend([None] * (position + 1 - len(values)))
        values[position] = value


def _cell_value(kind, text, style, shared, date_styles, epoch) -> Any:
    """A cell's value from its kind (``t``), its text and its style, as calamine gives it:
    a shared or formula string, a boolean, a date (a day number in a date format; a date
    when it falls at midnight, else a datetime), an int or a float."""
    if kind == "s":
        return shared[int(text)]
    if kind in ("str", "e", "d"):
        return text
    if kind == "b":
        return text == "1"
    number = float(text)
    if style is not None and int(style) in date_styles:
        try:
            moment = from_excel(number, epoch)
        except (OverflowError, ValueError):  # past year 9999 or not finite: no date, the
            return number  # number itself, as calamine gives it (validation refuses it)
        if isinstance(moment, datetime) and moment.time() == MIDNIGHT:
            return moment.date()
        return moment
    return int(number) if number.is_integer() and "." not in text and "E" not in text else number
