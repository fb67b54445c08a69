"""Benchmark: 100,000-row .xlsx and XML uploads end to end (parse, validate, match, store),
against a raw baseline measured in the same run on the same rows (parse only with the same
parser, plus a bulk insert of the same rows into a plain table).

    .venv/bin/python bench/upload_bench.py                 # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/upload_bench.py --rows 20000    # a quicker run

Each measurement runs in its own process so its peak memory (ru_maxrss) is its own.
Results go to stdout and to docs/benchmarks.md (section "Uploads").
"""

from __future__ import annotations

import argparse
import atexit
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402 - after the path is set

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
ROSTER = 150_000
RUNS = 2  # each 100,000-row case; its fastest run is reported (see measure)
ACTIVITIES = 200


def _letters(number: int) -> str:
    """A name-like word for a number (names have no digits)."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[digit] + word
        if number == 0:
            return word.capitalize()


def _rows(count: int):
    """Deterministic learner rows: 95% match the roster, 5% do not."""
    rng = random.Random(7)
    today = date.today()
    for n in range(count):
        who = rng.randrange(ROSTER)
        yield {
            "action": "Add",
            "activity": f"B-{n % ACTIVITIES:04d}",
            "completed": (today - timedelta(days=1 + n % 200)),
            "first": "First" + _letters(who),
            "last": ("Last" if n % 20 else "Other") + _letters(who),
            "dob": f"{1 + who % 12:02d}/{1 + who % 28:02d}",
            "state": "CA",
            "license": f"A{100000 + who}",
            "credits": (1 + n % 8) / 4,
            "type": "AMA PRA Category 1",
        }


def make_files(directory: Path, count: int) -> tuple[Path, Path]:
    from openpyxl import Workbook

    from passport.reporting.parsers import XML_NAMESPACE
    from passport.reporting.records import COLUMN_TITLES, Field

    xlsx = directory / f"bench-{count}.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([COLUMN_TITLES[f] for f in list(Field)[:10]])
    for r in _rows(count):
        sheet.append(
            [
                r["action"],
                r["activity"],
                r["completed"],
                r["first"],
                r["last"],
                r["dob"],
                r["state"],
                r["license"],
                r["credits"],
                r["type"],
            ]
        )
    workbook.save(xlsx)
    xml = directory / f"bench-{count}.xml"
    with open(xml, "w", encoding="utf-8") as out:
        out.write(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<CompletionBatch xmlns="{XML_NAMESPACE}">\n'
        )
        for r in _rows(count):
            out.write(
                f"<Completion><RecordAction>Add</RecordAction><ActivityID>{r['activity']}</ActivityID>"
                f"<CompletionDate>{r['completed'].isoformat()}</CompletionDate>"
                f"<FirstName>{r['first']}</FirstName><LastName>{r['last']}</LastName>"
                f"<DateOfBirth>{r['dob']}</DateOfBirth><LicensingState>CA</LicensingState>"
                f"<LicensingIDOrNPI>{r['license']}</LicensingIDOrNPI><Credits>{r['credits']}</Credits>"
                f"<CreditType>{r['type']}</CreditType></Completion>\n"
            )
        out.write("</CompletionBatch>\n")
    return xlsx, xml, make_medbiq(directory, count)


MEDBIQ_NS = "http://ns.medbiq.org/activityreport/v2/"


def make_medbiq(directory: Path, count: int) -> Path:
    """The same rows as a MedBiquitous ActivityReport v2 file, one ActivityReport (learner)
    per row, as PARS-style systems write them (issue 22)."""
    path = directory / f"bench-{count}-medbiq.xml"
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ActivityReports xmlns="{MEDBIQ_NS}" '
            'xmlns:m="http://ns.medbiq.org/member/v2/" xmlns:n="http://ns.medbiq.org/name/v2/" '
            'xmlns:hx="http://ns.medbiq.org/lom/extend/v1/" xmlns:x="urn:example:pars">'
            "<DateTimeCreated>2026-01-01T00:00:00</DateTimeCreated>"
            "<ReportingStartDate>2026-01-01</ReportingStartDate>"
            "<ReportingEndDate>2026-12-31</ReportingEndDate>\n"
        )
        for r in _rows(count):
            month, day = r["dob"].split("/")
            out.write(
                "<ActivityReport><ReportingOrganization>Bench</ReportingOrganization><m:Member>"
                f'<m:UniqueID domain="idd:accme.org:CA">{r["license"]}</m:UniqueID>'
                f"<m:Name><n:GivenName>{r['first']}</n:GivenName>"
                f"<n:FamilyName>{r['last']}</n:FamilyName></m:Name>"
                f'<m:PersonalInfo><m:BirthDate accuracy="DayMonth">1900-{month}-{day}'
                "</m:BirthDate></m:PersonalInfo></m:Member>"
                "<Activity><ProviderOrganization>Bench</ProviderOrganization>"
                f"<ActivityName>{r['activity']}</ActivityName><Module>"
                f'<ModuleName moduleID="{r["activity"]}">{r["activity"]}</ModuleName>'
                f"<CompletedDateTime>{r['completed'].isoformat()}T10:00:00</CompletedDateTime>"
                "<CreditCertificate><CreditReceived>"
                f"<hx:activityCertification>{r['type']}</hx:activityCertification>"
                f"<hx:numberOfCredits>{r['credits']}</hx:numberOfCredits></CreditReceived>"
                "<CreditID>urn:bench:credit</CreditID></CreditCertificate></Module></Activity>"
                "<XtensibleInfo><x:LearnerRecordAction>Add</x:LearnerRecordAction>"
                "</XtensibleInfo></ActivityReport>\n"
            )
        out.write("</ActivityReports>\n")
    return path


def make_excel_style_xlsx(directory: Path, count: int) -> Path:
    """An .xlsx as Excel writes one: text in a shared-strings table, dates as day numbers
    in a date format (openpyxl, which makes the other file, writes inline strings). Every
    learner's names are unique, the worst case for the table's size."""
    import zipfile
    from xml.sax.saxutils import escape

    from passport.reporting.records import COLUMN_TITLES, Field

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationships = "http://schemas.openxmlformats.org/package/2006/relationships"
    document = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strings: dict[str, int] = {}
    epoch = date(1899, 12, 30)

    def cell(column: str, number: int, value) -> str:
        if isinstance(value, str):
            index = strings.setdefault(value, len(strings))
            return f'<c r="{column}{number}" t="s"><v>{index}</v></c>'
        if isinstance(value, date):
            return f'<c r="{column}{number}" s="1"><v>{(value - epoch).days}</v></c>'
        return f'<c r="{column}{number}"><v>{value}</v></c>'

    path = directory / f"excel-style-{count}.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{relationships}"><Relationship Id="rId1" '
            f'Type="{document}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{document}"><sheets>'
            '<sheet name="Learners" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{relationships}"><Relationship Id="rId1" '
            f'Type="{document}/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
            f'Id="rId2" Type="{document}/styles" Target="styles.xml"/><Relationship Id="rId3" '
            f'Type="{document}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/styles.xml",
            f'<styleSheet xmlns="{main}"><cellXfs count="2"><xf numFmtId="0"/>'
            '<xf numFmtId="14"/></cellXfs></styleSheet>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'<worksheet xmlns="{main}"><dimension ref="A1:J{count + 1}"/><sheetData>'.encode()
            )
            titles = [COLUMN_TITLES[f] for f in list(Field)[:10]]
            for number, values in enumerate(
                itertools.chain(
                    [titles],
                    (
                        [
                            r["action"],
                            r["activity"],
                            r["completed"],
                            "First" + _letters(n),
                            "Last" + _letters(n),
                            r["dob"],
                            r["state"],
                            r["license"],
                            r["credits"],
                            r["type"],
                        ]
                        for n, r in enumerate(_rows(count))
                    ),
                ),
                start=1,
            ):
                cells = "".join(
                    cell(c, number, v) for c, v in zip("ABCDEFGHIJ", values, strict=True)
                )
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w") as table:
            table.write(f'<sst xmlns="{main}" uniqueCount="{len(strings)}">'.encode())
            for text in strings:
                table.write(f"<si><t>{escape(text)}</t></si>".encode())
            table.write(b"</sst>")
    return path


def prepare_database(url: str) -> None:
    """Migrate and fill a roster and the provider's activities (not timed)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from passport import MIGRATIONS_DIR, create_app
    from passport.compliance.standings import refresh_standings
    from passport.extensions import db
    from passport.models import Activity, Board, Licensee, Provider
    from passport.reporting.models import activity_credit_types

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        board_id = db.session.scalar(sa.select(Board.id).where(Board.code == "CA-MBC"))
        db.session.execute(
            sa.insert(Licensee),
            [
                {
                    "board_id": board_id,
                    "license_number": f"A{100000 + n}",
                    "first_name": "First" + _letters(n),
                    "last_name": "Last" + _letters(n),
                    "dob_month": 1 + n % 12,
                    "dob_day": 1 + n % 28,
                    "first_issued_on": date(2010, 1, 1),
                    "expires_on": date(2027, 1, 31),
                }
                for n in range(ROSTER)
            ],
        )
        provider = Provider(accme_id="BENCH", name="Benchmark provider")
        db.session.add(provider)
        db.session.flush()
        ids = db.session.scalars(
            sa.insert(Activity).returning(Activity.id),
            [
                {
                    "provider_id": provider.id,
                    "activity_code": f"B-{n:04d}",
                    "title": f"Bench {n}",
                    "activity_type": "enduring",
                    "starts_on": date.today() - timedelta(days=400),
                    "ends_on": date.today(),
                    "max_credits": Decimal(4),
                }
                for n in range(ACTIVITIES)
            ],
        ).all()
        db.session.execute(
            sa.insert(activity_credit_types),
            [{"activity_id": i, "credit_type_code": "AMA_PRA_1"} for i in ids],
        )
        db.session.commit()
        # As in a running database: the standings are current (refresh-standings has run, so
        # no licensee waits to be evaluated again and each upload notes its own), and the
        # planner has statistics (autovacuum's ANALYZE).
        refresh_standings(db.session, board_id)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")


def run_case(url: str, case: str, path: str) -> dict:
    """One measurement, in this (fresh) process."""
    import sqlalchemy as sa

    from passport import create_app
    from passport.extensions import db
    from passport.models import Provider, Upload
    from passport.reporting import services
    from passport.reporting.jobs import run_upload
    from passport.reporting.models import ConsentBasis, UploadMethod
    from passport.reporting.parsers import READERS

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    method = Path(path).suffix.lstrip(".")
    file_format = "medbiq" if "medbiq" in Path(path).name else method
    with app.app_context():
        started = time.perf_counter()
        if case == "pipeline":
            provider_id = db.session.scalar(
                sa.select(Provider.id).where(Provider.accme_id == "BENCH")
            )
            _clear_uploaded_rows(db.session)  # a fresh start, the standings current
            upload = services.create_upload(
                db.session,
                provider_id=provider_id,
                user_id=None,
                method=UploadMethod(method),
                stored=services.StoredFile(Path(path), "0" * 64, 0),
                original_filename=path,
                consent=ConsentBasis.YEAR,
            )
            db.session.commit()
            started = time.perf_counter()
            status = run_upload(upload.id)  # the upload job itself, as the queue runs it
            upload = db.session.get(Upload, upload.id)
            rows = upload.total_rows
            detail = {
                "status": status,
                "created": upload.created_count,
                "rejected": upload.rejected_count,
            }
        elif case == "parse":
            rows = sum(1 for _ in READERS[method](Path(path)))
            detail = {}
        elif case == "store":
            rows, started = _store_only(db.session)
            detail = {}
        else:  # bulk insert of the same rows into a plain table
            records = list(READERS[method](Path(path)))
            started = time.perf_counter()
            table = sa.table("bench_raw", *(sa.column(f"c{n}") for n in range(10)))
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS bench_raw")
                connection.exec_driver_sql(
                    "CREATE TABLE bench_raw (" + ", ".join(f"c{n} TEXT" for n in range(10)) + ")"
                )
                connection.execute(
                    table.insert(),
                    [{f"c{n}": str(v) for n, v in enumerate(r.values.values())} for r in records],
                )
            rows = len(records)
            detail = {}
        elapsed = time.perf_counter() - started
    peak_mb = _peak_rss_mb()
    return {
        "case": case,
        "format": file_format,
        "file": Path(path).name,
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(rows / elapsed),
        "peak_mb": round(peak_mb),
        **detail,
    }


def _clear_uploaded_rows(session) -> None:
    """Delete every upload's rows and the audit notes they left (see prepare_database:
    the standings stay current)."""
    import sqlalchemy as sa

    for table in ("upload_rows", "completion_versions", "completions", "audit_stale_licensees"):
        session.execute(sa.text(f"DELETE FROM {table}"))


def _store_only(session) -> tuple[int, float]:
    """The schema's floor: the rows the pipeline case stored, read back, deleted and
    written again chunk by chunk the way the job writes them (the licensees noted for the
    audit, the completions by the bulk insert, their first versions copied from them in
    SQL), and committed. Nothing is parsed, validated, matched or decided, so no upload
    that keeps the schema's keys, checks, foreign keys and triggers can be faster than
    this. Returns the rows written and when timing began."""
    from types import SimpleNamespace

    import sqlalchemy as sa

    from passport.bulk import insert_rows
    from passport.compliance.standings import note_stale
    from passport.db import utcnow
    from passport.reporting.models import Completion, CompletionVersion
    from passport.reporting.pipeline import CHUNK_SIZE
    from passport.reporting.storing import RecordState, write_versions

    completions, versions = Completion.__table__, CompletionVersion.__table__
    connection = session.connection()
    rows = [dict(row._mapping) for row in connection.execute(sa.select(completions))]
    first = connection.execute(
        sa.select(versions.c.completion_id, versions.c.row_number, versions.c.upload_id)
        .where(versions.c.version == 1)
        .order_by(versions.c.row_number)
    ).all()
    if not rows or len(first) != len(rows):
        raise SystemExit("run the pipeline case first: it leaves the rows this case rewrites")
    by_id = {row["id"]: row for row in rows}
    upload = SimpleNamespace(id=first[0].upload_id)
    _clear_uploaded_rows(session)  # the pipeline case's starting point
    session.commit()
    now = utcnow()
    for row in rows:  # one moment for the whole write, as the job records it
        row["reported_at"] = row["updated_at"] = now
    started = time.perf_counter()
    for start in range(0, len(first), CHUNK_SIZE):  # in file order, as the job goes
        chunk = [
            (by_id[id_], row_number) for id_, row_number, _ in first[start : start + CHUNK_SIZE]
        ]
        note_stale(session, (row["licensee_id"] for row, _ in chunk if row["licensee_id"]))
        insert_rows(session, completions, [row for row, _ in chunk])
        states = {
            row["id"]: RecordState(None, {}, 1, False, [{"row_number": row_number}])
            for row, row_number in chunk
        }
        write_versions(session, states, {key: key for key in states}, upload, None, now)
    session.commit()
    return len(rows), started


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: the latter carries the
    parent's peak over fork and exec, which would count the benchmark driver's memory."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(url: str, case: str, path: Path, runs: int = 1) -> dict:
    """The case run ``runs`` times, each in a fresh process: the fastest time (this shared
    machine's speed moves by a quarter between runs of the same job, and interference
    only ever slows a run down) and the highest peak memory."""
    results = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, __file__, "--case", case, "--url", url, "--file", str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        ).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    fastest = min(results, key=lambda result: result["seconds"])
    return fastest | {"peak_mb": max(result["peak_mb"] for result in results), "runs": runs}


def postgres_url() -> str | None:
    """A fresh PostgreSQL database for this bench run, dropped again when it exits (each
    holds a 150,000-licensee roster and the uploads' rows: hundreds of MB)."""
    try:
        import psycopg

        prefix = os.environ.get("PASSPORT_BENCH_DATABASE_PREFIX", "passport_bench")
        name = f"{prefix}_{os.getpid()}"
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        atexit.register(_drop_database, name)
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    except Exception as error:  # noqa: BLE001
        print(f"PostgreSQL skipped: {error}", file=sys.stderr)
        return None


def _drop_database(name: str) -> None:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception as error:  # noqa: BLE001 - a leftover database is no reason to fail
        print(f"Could not drop the bench database {name}: {error}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--case")
    parser.add_argument("--url")
    parser.add_argument("--file")
    parser.add_argument(
        "--large-rows",
        type=int,
        default=400_000,
        help="also upload files this large on SQLite, for memory at size (0: skip)",
    )
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.url, args.case, args.file)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        xlsx, xml, medbiq = make_files(directory, args.rows)
        results = []
        targets = [("SQLite", f"sqlite:///{directory / 'bench.sqlite3'}")]
        pg = postgres_url()
        if pg:
            targets.append(("PostgreSQL", pg))
        for label, url in targets:
            prepare_database(url)
            for path in (xlsx, xml, medbiq):
                for case in ("parse", "insert", "pipeline", "store"):
                    result = measure(url, case, path, RUNS) | {"database": label}
                    print(json.dumps(result), flush=True)
                    results.append(result)
        large = []
        if args.large_rows:
            # The same job on much larger files: the .xlsx is past calamine's limit and
            # goes through the streaming reader; memory must stay where it was.
            files = [
                *make_files(directory, args.large_rows)[:2],
                make_excel_style_xlsx(directory, args.large_rows),
            ]
            for path in files:
                result = measure(targets[0][1], "pipeline", path) | {"database": "SQLite"}
                print(json.dumps(result), flush=True)
                large.append(result)
    write_report(results, args.rows, large)


def write_report(results: list[dict], rows: int, large: list[dict] = ()) -> None:
    lines = [
        "## Uploads (issue 3)",
        "",
        f"`.venv/bin/python bench/upload_bench.py` ({rows:,} rows, roster of {ROSTER:,}, "
        f"95% matching; measured {date.today():%Y-%m-%d} on this 2-core machine; each case "
        f"run {RUNS} times in fresh processes, the fastest reported).",
        "Raw baseline = the same parser alone, plus a bulk insert of the same rows into a plain "
        "table. The pipeline is the upload job itself (`run_upload`): it parses, validates, "
        "matches and stores the completions, their versions and the row outcomes in one "
        "transaction.",
        "Store only = the rows the pipeline stored (completions, first versions, audit notes) "
        "written again into the real tables with the pipeline's bulk path, nothing parsed, "
        "validated or matched: the schema's floor. Parse + store = the parse and the store "
        "only, one after the other: the fastest any upload could be that keeps the schema "
        "and reads the file with the same parser, before validating or matching a row.",
        "",
        "| database | format | parse rows/s | bulk insert rows/s | raw baseline rows/s | "
        "store only rows/s | parse + store rows/s | pipeline rows/s | pipeline / baseline | "
        "pipeline peak MB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    by_key = {(r["database"], r["format"], r["case"]): r for r in results}
    for database in dict.fromkeys(r["database"] for r in results):
        for fmt in ("xlsx", "xml", "medbiq"):
            if (database, fmt, "parse") not in by_key:
                continue
            parse = by_key[(database, fmt, "parse")]
            insert = by_key[(database, fmt, "insert")]
            pipeline = by_key[(database, fmt, "pipeline")]
            store = by_key[(database, fmt, "store")]
            baseline = rows / (parse["seconds"] + insert["seconds"])
            floor = rows / (parse["seconds"] + store["seconds"])
            lines.append(
                f"| {database} | {fmt} | {parse['rows_per_s']:,} | {insert['rows_per_s']:,} | "
                f"{baseline:,.0f} | {store['rows_per_s']:,} | {floor:,.0f} | "
                f"{pipeline['rows_per_s']:,} | {pipeline['rows_per_s'] / baseline:.2f} | "
                f"{pipeline['peak_mb']} |"
            )
    if large:
        lines += [
            "",
            f"Larger files, on SQLite ({large[0]['rows']:,} rows: the .xlsx is past calamine's "
            "limit and is streamed, see below):",
            "",
            "| format | pipeline rows/s | pipeline peak MB |",
            "| --- | ---: | ---: |",
            *(f"| {_large_file_label(r)} | {r['rows_per_s']:,} | {r['peak_mb']} |" for r in large),
        ]
    write_section(lines[0], [*lines[2:], "", *READING])


def _large_file_label(result: dict) -> str:
    if result.get("file", "").startswith("excel-style"):
        return "xlsx as Excel writes it (shared strings, every name unique)"
    return f"{result['format']} (the files above, larger)"


# Written under the table: what the figures mean against the targets.
READING = [
    "### Reading the figures",
    "",
    "Targets (issue 3): XML at least 20,000 rows/s and .xlsx at least 10,000 rows/s end to "
    "end, each at least half of its raw baseline; peak memory under 300 MB whatever the "
    "file's size.",
    "",
    "- **Memory: met, measured at size.** The job works in chunks of 2,000 records and XML "
    "is streamed. calamine holds an .xlsx sheet in memory at about 100 bytes a cell "
    "(1,000,000 cells peaked at 258 MB in the job, 1,500,000 at 306 MB), so it takes a "
    "sheet only up to 1,200,000 cells (`CALAMINE_MAX_CELLS`, counted from the sheet's "
    "`<dimension>` and from its size); larger sheets are streamed by "
    "`reporting/xlsx_stream.py`, which holds only the shared-strings table, as one string "
    "with an offset per entry. A 900,000-row sheet of 2,700,000 unique strings (45 MB, "
    "under the upload limit) peaked at 679 MB while its strings were a list, and at 235 MB "
    "for the whole upload job now. (The store-only case holds every row it rewrites, "
    "hence its 380-420 MB; it is no upload.)",
    "- **.xlsx: met on both databases in this run**, 17,089 rows/s on SQLite and 10,452 on "
    "PostgreSQL (target 10,000); the 400,000-row files, streamed, 11,884 and 11,299 on "
    "SQLite.",
    "- **XML: not met**, 16,211 rows/s on SQLite and 9,395 on PostgreSQL (target 20,000).",
    "- **Why the XML target on PostgreSQL, and the half-of-baseline target anywhere, cannot "
    "be met with this schema: the store-only column.** Writing the rows the job stored, "
    "nothing parsed, validated or matched, by the job's own bulk path (COPY on "
    "PostgreSQL), runs at 15,194 rows/s on PostgreSQL; with the XML parse before it, at "
    "13,021. No XML upload that keeps the schema can reach 20,000 rows/s there. Half of the "
    "raw baseline is above parse + store in all four cases (SQLite .xlsx 29,800 against "
    "23,500, XML 26,300 against 22,000; PostgreSQL .xlsx 21,500 against 13,300, XML 19,600 "
    "against 13,000): the raw baseline inserts into a table without an index, a "
    "constraint or a trigger, and writing into the real tables alone costs more than twice "
    "as much. Meeting either target means dropping foreign keys, checks or the audit "
    "trigger, or restating the target against the store-only floor; no change here does "
    "either. The pipeline runs at 73-74% of parse + store on SQLite and 72-79% on "
    "PostgreSQL.",
    "- **This machine's speed moves a great deal between days.** The same code measured "
    "8,638 (SQLite .xlsx), 8,208 (SQLite XML), 4,395 and 4,377 (PostgreSQL) rows/s in "
    "yesterday's final run, and the parse-only column 48,015 and 38,011: today, on a "
    "freshly started machine, everything runs about twice as fast. Compare the columns of "
    "one run with each other, never with another day's.",
    "- **Where a record's time goes (SQLite XML, 62 us in this run):** storing it 34 "
    "(inserting the completion 17.5: the row with its unique key 7.3, its two indexes "
    "2.4, its five foreign keys 2.3, the audit trigger's test for a waiting note 4.5; "
    "noting the licensees 2.6; copying the first version in SQL 2; binding, staging and "
    "the commit the rest), parsing 11, and validating, looking up existing records, "
    "deciding and matching together 16.",
    "- **On PostgreSQL the server's foreign-key checks cost most**, and each costs the same "
    "whichever it is (measured yesterday, on the slower machine): a COPY of 20,000 "
    "completions (in a rolled-back transaction) took 79-85 us a row with everything, "
    "57-72 with any one of its five foreign keys dropped, and 17-26 with none. The "
    "server's statement log of a 100,000-row upload: the completions COPY 8.1 s, the first "
    "versions (four foreign keys of their own) 3.2 s, everything else 1.5 s.",
    "- **What changed on 2026-12-01:** a chunk's roster rows are fetched at once (about 2% "
    "on SQLite XML); XML parsing hands Python only each Completion's end (an iterparse tag "
    "filter): 2.85 s to 1.75 s per 100,000 records on yesterday's machine; validated "
    "records and match results are NamedTuples (a frozen dataclass costs twice as much, "
    "and there are three a row); the chunk's roster and state reads skip the ORM's result "
    "machinery; large sheets are streamed with expat instead of openpyxl's read-only mode "
    "(parsing 150,000 rows: 29 s before, 8 s after); a row that writes a version no longer "
    "writes an `upload_rows` entry as well (migration 0011); first versions are copied "
    "from the new rows in SQL; new ids come back from the insert; staged keys are "
    "truncated on PostgreSQL (deleting them left dead pages that turned the roster join "
    "into a hash join of every licensee); SQLite's completion trigger skips licensees "
    "already noted and the job notes a chunk's licensees in one statement (migration "
    "0009); two unused completion indexes are gone (migration 0010); the cycle collector "
    "is paused during the job; ASCII names skip Unicode folding.",
    "- **Tried and dropped:** parsing and validating in a second process, sending checked "
    "chunks through a pipe (the job waited 3 s of 12.8 s for it, and its own work slowed "
    "by a quarter); the same in a thread (handing the interpreter lock back after each "
    "database round trip cost as much as it saved: PostgreSQL 19.3 s either way, SQLite "
    "13.4 s against 9.5); reading each field's text once into a dict before validating "
    "(20.4 us a row against 19.5); a sequence cache for the ids taken on PostgreSQL (no "
    "faster); a 64 MB SQLite page cache (5% faster on SQLite XML, but 60 MB more memory, "
    "which the .xlsx path, at 256 MB, cannot spare under 300).",
    "- This bench starts from current standings (no licensee waiting to be evaluated) and "
    "an analysed database, as a running system has them.",
]


if __name__ == "__main__":
    main()
