"""Peak memory of reading an .xlsx whose shared strings are many (issue 20): an honest
5.8 MB workbook of one data row and 5,000,000 one-character shared strings.

    .venv/bin/python bench/xlsx_memory_bench.py [--strings 5000000]

Each reading runs in a fresh process; it reports that process's peak resident memory
(ru_maxrss) after importing the readers and after reading the file, for the reader
``parsers.read_xlsx`` chooses and for each reader forced.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

READ = """
import resource, sys
from pathlib import Path
from passport.reporting import parsers
import python_calamine  # noqa: F401 - imported before the baseline, as in the app
mode = sys.argv[2]
if mode == "calamine":
    parsers.calamine_can_hold = lambda path, sheet_bytes: True
elif mode == "stream":
    parsers.calamine_can_hold = lambda path, sheet_bytes: False
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    records = sum(1 for _ in parsers.read_xlsx(Path(sys.argv[1])))
    outcome = f"{records} record(s)"
except parsers.FileRefused as error:
    outcome = f"refused: {error}"
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{mode:9} {before / 1024:6.0f} MB -> {after / 1024:6.0f} MB  ({outcome})")
"""


WRITE = """
import sys
from pathlib import Path
from tests.reporting.helpers import row, xlsx_with_many_shared_strings
Path(sys.argv[1]).write_bytes(xlsx_with_many_shared_strings([row()], int(sys.argv[2])))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--strings", type=int, default=5_000_000)
    strings = parser.parse_args().strings
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "many-shared-strings.xlsx"
        # Written by a process of its own: a child's ru_maxrss starts from its parent's.
        subprocess.run([sys.executable, "-c", WRITE, str(path), str(strings)], check=True, cwd=REPO)
        print(f"{path.stat().st_size / 1e6:.1f} MB workbook, {strings:,} shared strings")
        for mode in ("chosen", "calamine", "stream"):
            subprocess.run([sys.executable, "-c", READ, str(path), mode], check=True, cwd=REPO)


if __name__ == "__main__":
    main()
