"""CSV import of members from another system: map columns, dry run with a report, import all or nothing."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from thrust.auth.rbac import Actor, require
from thrust.core.errors import ValidationFailed
from thrust.core.security import UNUSABLE_PASSWORD
from thrust.core.text import fold, member_search_text
from thrust.core.types import utcnow
from thrust.core.validation import FieldReader
from thrust.gym import clock
from thrust.members.capabilities import CREATE_MEMBERS
from thrust.members.service import parse_member_fields
from thrust.models import Member, MembershipTier, MemberStatus, Role, User, table_of

MAX_IMPORT_BYTES = 5 * 1024 * 1024
# A request carrying the file: the file plus the multipart envelope and the form's other fields.
MAX_IMPORT_BODY = MAX_IMPORT_BYTES + 64 * 1024
MAX_IMPORT_ROWS = 20_000
MAX_COLUMNS = 60
CHUNK = 1_000

FIELDS: dict[str, str] = {
    "fullName": "Full name",
    "email": "Email",
    "phone": "Phone",
    "dateOfBirth": "Date of birth",
    "gender": "Gender",
    "membershipTier": "Tier",
    "status": "Status",
    "membershipStart": "Membership start",
    "membershipEnd": "Membership end",
    "trainerEmail": "Trainer's email",
}
REQUIRED_FIELDS = ("fullName", "email", "membershipEnd")
DATE_FORMATS = {
    "YYYY-MM-DD": "%Y-%m-%d",
    "DD/MM/YYYY": "%d/%m/%Y",
    "MM/DD/YYYY": "%m/%d/%Y",
    "DD.MM.YYYY": "%d.%m.%Y",
}
DATE_FIELDS = ("dateOfBirth", "membershipStart", "membershipEnd")

# Header words other systems use for our fields, folded (lower case, no accents or punctuation).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "fullName": ("full name", "fullname", "name", "member", "member name", "customer", "nombre", "nom"),
    "email": ("email", "e mail", "mail", "email address", "correo"),
    "phone": ("phone", "phone number", "mobile", "cell", "telephone", "tel", "telefon", "telefono"),
    "dateOfBirth": ("date of birth", "dob", "birthday", "birth date", "birthdate", "geburtsdatum"),
    "gender": ("gender", "sex"),
    "membershipTier": ("tier", "membership tier", "plan", "membership", "package", "level"),
    "status": ("status", "membership status", "state"),
    "membershipStart": ("start", "start date", "membership start", "joined", "join date", "since"),
    "membershipEnd": ("end", "end date", "membership end", "expiry", "expires", "expiry date", "valid until"),
    "trainerEmail": ("trainer", "trainer email", "coach", "coach email", "personal trainer"),
}


@dataclass(frozen=True)
class CsvFile:
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class RowProblem:
    line: int  # the line in the file (the header is line 1)
    field: str
    message: str


@dataclass
class ImportPlan:
    """A dry run's report: what would be imported and what stops it."""

    total_rows: int
    ready: int
    problems: list[RowProblem]
    duplicate_emails: list[str]
    records: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list, repr=False)

    @property
    def can_import(self) -> bool:
        return not self.problems and self.total_rows > 0

    @property
    def rows_with_errors(self) -> int:
        return len({p.line for p in self.problems})


def read_csv(data: bytes) -> CsvFile:
    """Decode and parse an upload (UTF-8 with or without BOM, or Latin-1; comma, semicolon or tab)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationFailed.on("file", f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
    if b"\x00" in data[:4096]:
        raise ValidationFailed.on("file", "This is not a CSV text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        all_rows = [
            row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)
        ]
    except csv.Error as exc:
        raise ValidationFailed.on("file", f"The CSV could not be read: {exc}") from None
    if not all_rows:
        raise ValidationFailed.on("file", "The file is empty")
    headers = [h.strip() for h in all_rows[0]]
    if len(headers) > MAX_COLUMNS:
        raise ValidationFailed.on("file", f"The file has more than {MAX_COLUMNS} columns")
    if len(all_rows) - 1 > MAX_IMPORT_ROWS:
        raise ValidationFailed.on("file", f"The file has more than {MAX_IMPORT_ROWS:,} rows; split it")
    return CsvFile(headers=headers, rows=all_rows[1:])


def suggest_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Guess which field each column holds ('' = ignore), from common header names."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        key = re.sub(r"[^a-z0-9]+", " ", fold(header)).strip()
        guess = next(
            (f for f, words in _SYNONYMS.items() if f not in taken and (key in words or key == fold(f))), ""
        )
        mapping[header] = guess
        if guess:
            taken.add(guess)
    return mapping


def _check_mapping(headers: Sequence[str], mapping: Mapping[str, str]) -> dict[str, int]:
    """Column index per field; ValidationFailed when a field is mapped twice or a required one is missing."""
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        target = mapping.get(header, "")
        if not target:
            continue
        if target not in FIELDS:
            raise ValidationFailed.on("mapping", f"Unknown field '{target}' for column '{header}'")
        if target in columns:
            raise ValidationFailed.on("mapping", f"{FIELDS[target]} is mapped to two columns")
        columns[target] = index
    missing = [FIELDS[f] for f in REQUIRED_FIELDS if f not in columns]
    if missing:
        raise ValidationFailed.on("mapping", "Map a column to: " + ", ".join(missing))
    return columns


def _to_iso(value: str, fmt: str) -> str:
    """A date in the file's format as ISO text; unparseable text is passed on for the field's message."""
    try:
        return datetime.strptime(value.strip(), fmt).date().isoformat()
    except ValueError:
        return value


def plan_import(
    session: Session, actor: Actor, data: bytes, mapping: Mapping[str, str], date_format: str = "YYYY-MM-DD"
) -> ImportPlan:
    """Check every row as the member form would, plus duplicates; writes nothing."""
    require(actor, *CREATE_MEMBERS)
    if date_format not in DATE_FORMATS:
        raise ValidationFailed.on("dateFormat", "Choose one of " + ", ".join(DATE_FORMATS))
    csv_file = read_csv(data)
    columns = _check_mapping(csv_file.headers, mapping)
    fmt = DATE_FORMATS[date_format]
    today = clock.today(session)

    trainers = {
        email.lower(): trainer_id
        for trainer_id, email in session.exec(
            select(User.id, User.email).where(User.role == Role.TRAINER, User.is_active.is_(True))  # type: ignore[attr-defined]
        ).all()
    }
    problems: list[RowProblem] = []
    records: list[tuple[dict[str, Any], dict[str, Any]]] = []
    first_line_of: dict[str, int] = {}
    duplicates: list[str] = []
    lines_by_email: dict[str, int] = {}

    for offset, row in enumerate(csv_file.rows):
        line = offset + 2
        raw = {f: (row[i].strip() if i < len(row) else "") for f, i in columns.items()}
        for date_field in DATE_FIELDS:
            if raw.get(date_field):
                raw[date_field] = _to_iso(raw[date_field], fmt)
        trainer_email = raw.pop("trainerEmail", "")
        reader = FieldReader(raw)
        fields = parse_member_fields(reader, today=today, creating=False)
        for required in REQUIRED_FIELDS:
            if not raw.get(required):
                reader.fail(required, f"{FIELDS[required]} is required")
        trainer_id = None
        if trainer_email:
            trainer_id = trainers.get(trainer_email.lower())
            if trainer_id is None:
                reader.fail("trainerEmail", f"No active trainer has the email {trainer_email}")
        if fields.email:
            if fields.email in first_line_of:
                reader.fail("email", f"Same email as line {first_line_of[fields.email]}")
                duplicates.append(fields.email)
            else:
                first_line_of[fields.email] = line
                lines_by_email[fields.email] = line
        problems.extend(RowProblem(line, p.field, p.message) for p in reader.problems)
        if reader.problems:
            continue
        assert fields.email and fields.full_name and fields.membership_end
        start = fields.membership_start or min(today, fields.membership_end)
        status = fields.status or (
            MemberStatus.ACTIVE if fields.membership_end >= today else MemberStatus.INACTIVE
        )
        user_id = uuid.uuid4()
        now = utcnow()
        records.append(
            (
                {
                    "id": user_id,
                    "email": fields.email,
                    "password_hash": UNUSABLE_PASSWORD,
                    "role": Role.MEMBER,
                    "full_name": fields.full_name,
                    "phone": fields.phone,
                    "created_at": now,
                    "updated_at": now,
                },
                {
                    "id": uuid.uuid4(),
                    "user_id": user_id,
                    "full_name": fields.full_name,
                    "phone": fields.phone,
                    "date_of_birth": fields.date_of_birth,
                    "gender": fields.gender,
                    "membership_tier": fields.membership_tier or MembershipTier.BASIC,
                    "membership_start": start,
                    "membership_end": fields.membership_end,
                    "status": status,
                    "assigned_trainer_id": trainer_id,
                    "search_text": member_search_text(fields.full_name, fields.email, fields.phone),
                    "created_at": now,
                    "updated_at": now,
                },
            )
        )

    # Emails that already belong to an account, in one query per thousand.
    emails = list(lines_by_email)
    for begin in range(0, len(emails), CHUNK):
        for existing in session.exec(select(User.email).where(User.email.in_(emails[begin : begin + CHUNK]))):  # type: ignore[attr-defined]
            problems.append(
                RowProblem(lines_by_email[existing], "email", "An account already uses this email")
            )
            duplicates.append(existing)
    problems.sort(key=lambda p: (p.line, p.field))
    bad_lines = {p.line for p in problems}
    ready = [rec for rec in records if lines_by_email.get(rec[0]["email"]) not in bad_lines]
    return ImportPlan(
        total_rows=len(csv_file.rows),
        ready=len(ready),
        problems=problems,
        duplicate_emails=sorted(set(duplicates)),
        records=ready,
    )


def run_import(
    session: Session,
    actor: Actor,
    data: bytes,
    mapping: Mapping[str, str],
    date_format: str = "YYYY-MM-DD",
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Import every row, or none: any problem raises ValidationFailed before a single write.

    Everything goes into the caller's transaction; the caller commits once at the end.
    """
    plan = plan_import(session, actor, data, mapping, date_format)
    if not plan.can_import:
        first = plan.problems[0] if plan.problems else None
        message = (
            f"{plan.rows_with_errors} row(s) have problems (first: line {first.line}, {first.message}); "
            "nothing was imported"
            if first
            else "The file has no rows to import"
        )
        raise ValidationFailed(message)
    users = table_of(User)
    members = table_of(Member)
    total = len(plan.records)
    for begin in range(0, total, CHUNK):
        chunk = plan.records[begin : begin + CHUNK]
        session.execute(sa.insert(users), [user for user, _ in chunk])
        session.execute(sa.insert(members), [member for _, member in chunk])
        if on_progress is not None:
            on_progress(min(begin + CHUNK, total), total)
    session.flush()
    return total


def template_csv(today: date) -> str:
    """A header line and one example row (dated around the gym's `today`), for gyms preparing their file."""
    example = {
        "fullName": "Ana Ruiz",
        "email": "ana.ruiz@example.com",
        "phone": "+34 612 345 678",
        "dateOfBirth": "1991-05-17",
        "gender": "female",
        "membershipTier": "PREMIUM",
        "status": "ACTIVE",
        "membershipStart": today.replace(day=1).isoformat(),
        "membershipEnd": today.replace(year=today.year + 1, day=1).isoformat(),
        "trainerEmail": "",
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(example))
    writer.writerow(list(example.values()))
    return buffer.getvalue()
