"""An honest-looking .xlsx of many shared strings (issue 20): 5,000,000 one-character
shared strings in a 5.8 MB file passed the archive checks, and calamine, holding every
shared string as its own object, took the process from 73 to 349 MB for one Check
learners request (bench/xlsx_memory_bench.py). Such workbooks are now read by the
streaming reader, which keeps shared strings compactly (73 -> 112 MB), and workbooks
whose shared strings expand past a bound are refused."""

from __future__ import annotations

import zipfile

import pytest
import python_calamine

from passport.reporting import parsers
from passport.reporting.parsers import FileRefused, read_xlsx
from tests.reporting.helpers import row, write, xlsx_bytes, xlsx_with_many_shared_strings


@pytest.fixture
def no_calamine(monkeypatch):
    """calamine is not allowed to open the workbook: the bounded reader must."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("calamine opened a workbook with too many shared strings")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)


def test_a_workbook_of_many_shared_strings_is_streamed(tmp_path, no_calamine):
    """Just past the bound calamine is trusted with: 600,000 one-character strings
    (10 MB of shared strings, 0.7 MB on disk)."""
    path = write(tmp_path, "many.xlsx", xlsx_with_many_shared_strings([row()], 600_000))
    with zipfile.ZipFile(path) as archive:
        part = archive.getinfo("xl/sharedStrings.xml")
    assert part.file_size > parsers.CALAMINE_MAX_SHARED_STRINGS_BYTES
    assert part.file_size < 20 * part.compress_size  # compresses like text: no bomb
    (record,) = list(read_xlsx(path))
    assert record.row_number == 2


def test_shared_strings_past_any_honest_workbook_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(parsers, "MAX_SHARED_STRINGS_BYTES", 1_000_000)
    path = write(tmp_path, "huge.xlsx", xlsx_with_many_shared_strings([row()], 100_000))
    with pytest.raises(FileRefused, match="text"):
        list(read_xlsx(path))


def test_an_ordinary_workbook_still_goes_to_calamine(tmp_path, monkeypatch):
    opened = []
    original = python_calamine.CalamineWorkbook.from_path
    monkeypatch.setattr(
        python_calamine.CalamineWorkbook,
        "from_path",
        lambda *args: opened.append(args) or original(*args),
    )
    path = write(tmp_path, "small.xlsx", xlsx_with_many_shared_strings([row()], 1_000))
    assert len(list(read_xlsx(path))) == 1
    assert opened
    assert len(list(read_xlsx(write(tmp_path, "plain.xlsx", xlsx_bytes([row()]))))) == 1
