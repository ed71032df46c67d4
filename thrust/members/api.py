"""Member routes: list (paginated, filtered), create, read, update, delete, bulk actions, CSV in and out."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response, StreamingResponse
from sqlmodel import Session
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from thrust.auth.deps import CurrentActor, SessionDep, authenticated_router
from thrust.auth.rbac import Actor, require
from thrust.core.errors import ValidationFailed
from thrust.core.http import UnitOfWork, documented
from thrust.core.schemas import Data
from thrust.core.validation import STORABLE_PATTERN, UNSTORABLE_TEXT, is_storable
from thrust.gym import clock
from thrust.members import bulk, csv_export, csv_import, directory, search, service
from thrust.members.capabilities import CREATE_MEMBERS, VIEW_MEMBERS
from thrust.members.schemas import (
    BulkActionIn,
    BulkActionOut,
    ImportProblemOut,
    ImportReportOut,
    MemberCreate,
    MemberDetailOut,
    MemberListOut,
    MemberOut,
    MemberPagination,
    MemberUpdate,
    Search,
    TrainerFilter,
    VisitOut,
)
from thrust.models import MembershipTier, MemberStatus

router = authenticated_router(tags=["members"])


def _filters(
    q: str | None,
    status: list[MemberStatus] | list[str] | None,
    tier: list[MembershipTier] | list[str] | None,
    trainer_id: uuid.UUID | str | None,
    expiring_within_days: int | None,
    expired: bool | None,
    started_this_month: bool | None = None,
) -> search.MemberFilters:
    # The service reads the filters as text (the UI's form sends text), with the same rules.
    raw: dict[str, Any] = {
        "q": q,
        "status": ",".join(status) if status else None,
        "tier": ",".join(tier) if tier else None,
        "trainerId": str(trainer_id) if trainer_id is not None else None,
        "expiringWithinDays": str(expiring_within_days) if expiring_within_days is not None else None,
        "expired": str(expired).lower() if expired is not None else None,
        "startedThisMonth": str(started_this_month).lower() if started_this_month is not None else None,
    }
    return search.parse_filters({k: v for k, v in raw.items() if v is not None})


# The query parameters, typed as documented (422 for anything else); the service checks them again.
QueryText = Annotated[Search | None, Query(description="Words of a name, an email or phone digits")]
QueryStatus = Annotated[list[MemberStatus] | None, Query(max_length=len(MemberStatus))]
QueryTier = Annotated[list[MembershipTier] | None, Query(max_length=len(MembershipTier))]
QueryTrainer = Annotated[TrainerFilter | None, Query(alias="trainerId")]
QueryExpiring = Annotated[int | None, Query(alias="expiringWithinDays", ge=0, le=search.MAX_EXPIRING_DAYS)]
QueryExpired = Annotated[bool | None, Query(description="only memberships already ended")]
QueryStarted = Annotated[
    bool | None,
    Query(alias="startedThisMonth", description="only memberships that began this month, up to today"),
]


def _filter_query(
    q: QueryText = None,
    status: QueryStatus = None,
    tier: QueryTier = None,
    trainer_id: QueryTrainer = None,
    expiring_within_days: QueryExpiring = None,
    expired: QueryExpired = None,
    started_this_month: QueryStarted = None,
) -> search.MemberFilters:
    """The directory's filters from the query string (the list and the export read the same ones)."""
    return _filters(q, status, tier, trainer_id, expiring_within_days, expired, started_this_month)


FilterQuery = Annotated[search.MemberFilters, Depends(_filter_query)]


def _out(row: directory.MemberSummary, *, inside: bool = False) -> MemberOut:
    return MemberOut.model_validate(row, from_attributes=True).model_copy(update={"matched_inside": inside})


@router.get("/members", response_model=MemberListOut, summary="List members, searched and filtered")
def list_members(
    actor: CurrentActor,
    session: SessionDep,
    matching: FilterQuery,
    sort: Annotated[search.SortKey | None, Query()] = None,
    order: Annotated[Literal["asc", "desc"] | None, Query()] = None,
    page: Annotated[
        int | None,
        Query(
            ge=1,
            le=search.MAX_PAGE,
            description=f"Pages reach the first {search.MAX_OFFSET:,} rows; read further with `after`.",
        ),
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=search.MAX_PAGE_SIZE)] = None,
    after: Annotated[
        str | None,
        Query(
            max_length=400,
            description="Read on after the previous page: its `pagination.nextCursor` (same sort and order). "
            "Any depth costs what the first page does.",
        ),
    ] = None,
    count: Annotated[
        Literal["exact", "estimated"],
        Query(
            description="`estimated` (default): `total` is exact up to "
            f"{directory.API_EXACT_UP_TO:,} matches and estimated beyond, `totalIsExact` says which. "
            "`exact`: always counted to the end (slower for broad lists).",
        ),
    ] = "estimated",
) -> MemberListOut:
    """One page of members the caller may see (ADMIN all, TRAINER assigned), with the total.

    A search lists the members one of whose words (name, email, phone digits) starts with each search
    word; when they fill less than a page, members holding the search inside a word follow, marked
    `matchedInside`."""
    paging = {"sort": sort, "order": order, "page": page, "limit": limit, "after": after}
    filters = search.with_paging(matching, {k: str(v) for k, v in paging.items() if v is not None})
    result = directory.list_members_counted(session, actor, filters, exact=count == "exact")
    return MemberListOut(
        data=[_out(row, inside=result.found_inside(i)) for i, row in enumerate(result.rows)],
        pagination=MemberPagination.of_member_page(result),
    )


@router.post("/members", status_code=201, **documented("Create a member", Data[MemberDetailOut], 409))
def create_member(body: MemberCreate, actor: CurrentActor, session: SessionDep) -> Data[MemberDetailOut]:
    """Create a member and its login (no usable password until one is set). ADMIN only."""
    member = service.create_member(session, actor, body.model_dump(by_alias=True))
    session.flush()
    return Data(data=_detail(service.get_member_profile(session, actor, member.id)))


@router.get(
    "/members/export",
    summary="Download the filtered members as CSV",
    response_class=StreamingResponse,
    responses={
        200: {"description": "The members as CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}
    },
)
def export_members(
    actor: CurrentActor,
    unit_of_work: UnitOfWork,
    filters: FilterQuery,
) -> StreamingResponse:
    """Stream every member the filter matches and the caller may see; spreadsheet-formula safe."""
    # Checked here as well as in the service: once streaming has started a refusal can no longer
    # become a 403 (it was a 500 with an empty body).
    require(actor, *VIEW_MEMBERS)

    def stream() -> Iterator[bytes]:
        # Its own unit of work (the request's session is closed before streaming starts), a plain
        # reader: on SQLite it must not hold the write lock for the whole download.
        with unit_of_work(read_only=True) as session:
            for chunk in csv_export.export_members(session, actor, filters):
                yield chunk.encode()

    with unit_of_work(read_only=True) as session:
        name = f"thrust-members-{clock.today(session).isoformat()}.csv"  # the gym's date
    return StreamingResponse(
        stream(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


MAX_MAPPING_LENGTH = 64 * 1024


class _InMemoryForm(MultiPartParser):
    """Starlette's multipart parser, keeping the file in memory: nothing of an import touches the disk
    (the body-limit layer has already capped the request at MAX_IMPORT_BODY)."""

    spool_max_size = csv_import.MAX_IMPORT_BODY


@dataclass(frozen=True)
class _ImportForm:
    data: bytes
    mapping: str | None
    date_format: str


def _invalid(field: str, message: str, kind: str = "value_error") -> RequestValidationError:
    """A 422 naming the form field, as FastAPI answers for the routes whose forms it parses."""
    return RequestValidationError([{"loc": ("body", field), "msg": message, "type": kind}])


def _missing_file() -> RequestValidationError:
    return _invalid("file", "Field required", "missing")


async def _import_form(request: Request, actor: Actor) -> _ImportForm:
    """The posted CSV and options, read only once the caller may import (not a byte before)."""
    require(actor, *CREATE_MEMBERS)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise _missing_file()
    parser = _InMemoryForm(
        request.headers, request.stream(), max_files=1, max_fields=8, max_part_size=64 * 1024
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise ValidationFailed.on("file", exc.message) from None
    try:
        upload, mapping, date_format = form.get("file"), form.get("mapping"), form.get("dateFormat")
        if not isinstance(upload, StarletteUploadFile):
            raise _missing_file()
        if not isinstance(mapping, str | None) or not isinstance(date_format, str | None):
            raise _invalid("mapping" if not isinstance(mapping, str | None) else "dateFormat", "Must be text")
        if mapping is not None and (len(mapping) > MAX_MAPPING_LENGTH or not is_storable(mapping)):
            raise _invalid("mapping", UNSTORABLE_TEXT if not is_storable(mapping) else "Mapping is too long")
        if date_format not in (None, "", *csv_import.DATE_FORMATS):
            raise _invalid("dateFormat", f"Must be one of {', '.join(csv_import.DATE_FORMATS)}")
        data = await upload.read(csv_import.MAX_IMPORT_BYTES + 1)
        if len(data) > csv_import.MAX_IMPORT_BYTES:
            raise ValidationFailed.on(
                "file", f"The file is larger than {csv_import.MAX_IMPORT_BYTES // 2**20} MB"
            )
        return _ImportForm(data, mapping or None, date_format or "YYYY-MM-DD")
    finally:
        await form.close()


def _import_body(mapping_help: str | None = None) -> dict[str, Any]:
    """The multipart body the import routes read themselves, for the OpenAPI document."""
    text = {"type": "string", "maxLength": MAX_MAPPING_LENGTH, "pattern": STORABLE_PATTERN}
    mapping: dict[str, Any] = {"anyOf": [text, {"type": "null"}], "title": "Mapping"}
    if mapping_help:
        mapping["description"] = mapping_help
    schema = {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {
                "type": "string",
                "contentMediaType": "application/octet-stream",
                "title": "File",
                "description": "CSV, at most 5 MB",
            },
            "mapping": mapping,
            "dateFormat": {
                "type": "string",
                "enum": list(csv_import.DATE_FORMATS),
                "title": "Dateformat",
                "default": "YYYY-MM-DD",
            },
        },
    }
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}


def _mapping(raw: str | None, data: bytes) -> dict[str, str]:
    if not raw:
        return csv_import.suggest_mapping(csv_import.read_csv(data).headers)
    try:
        mapping = json.loads(raw)
    except json.JSONDecodeError:
        raise ValidationFailed.on("mapping", "The mapping must be JSON: {column: field}") from None
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise ValidationFailed.on("mapping", "The mapping must be JSON: {column: field}")
    return mapping


async def _with_import_form(
    request: Request,
    actor: Actor,
    unit_of_work: Callable[..., AbstractContextManager[Session]],
    step: Callable[[Session, _ImportForm, dict[str, str]], ImportReportOut],
) -> Data[ImportReportOut]:
    """Read the upload, then run `step` (a dry run or the import) with its column mapping (sent, or
    guessed from the headers) in one unit of work, in a worker thread."""
    form = await _import_form(request, actor)

    def work() -> ImportReportOut:
        with unit_of_work() as session:
            return step(session, form, _mapping(form.mapping, form.data))

    return Data(data=await asyncio.to_thread(work))


def _report(plan: csv_import.ImportPlan, mapping: dict[str, str], imported: int = 0) -> ImportReportOut:
    return ImportReportOut(
        total_rows=plan.total_rows,
        ready=plan.ready,
        rows_with_errors=plan.rows_with_errors,
        can_import=plan.can_import,
        problems=[
            ImportProblemOut(line=p.line, field=p.field, message=p.message) for p in plan.problems[:500]
        ],
        duplicate_emails=plan.duplicate_emails[:500],
        suggested_mapping=mapping,
        imported=imported,
    )


@router.post(
    "/members/import/preview",
    openapi_extra=_import_body('JSON {"CSV column": "field"}; guessed if absent'),
    **documented("Dry-run a CSV import", Data[ImportReportOut], 400, 413, 422),
)
async def preview_import(
    request: Request, actor: CurrentActor, unit_of_work: UnitOfWork
) -> Data[ImportReportOut]:
    """Check every row and report what would be imported; writes nothing. ADMIN only."""

    def plan(session: Session, form: _ImportForm, chosen: dict[str, str]) -> ImportReportOut:
        return _report(csv_import.plan_import(session, actor, form.data, chosen, form.date_format), chosen)

    return await _with_import_form(request, actor, unit_of_work, plan)


@router.post(
    "/members/import",
    status_code=201,
    openapi_extra=_import_body(),
    **documented("Import a CSV", Data[ImportReportOut], 400, 413, 422),
)
async def run_import(
    request: Request, actor: CurrentActor, unit_of_work: UnitOfWork
) -> Data[ImportReportOut]:
    """Import every row in one transaction, or none if any row has a problem. ADMIN only."""

    def run(session: Session, form: _ImportForm, chosen: dict[str, str]) -> ImportReportOut:
        imported = csv_import.run_import(session, actor, form.data, chosen, form.date_format)
        return ImportReportOut(
            total_rows=imported,
            ready=imported,
            rows_with_errors=0,
            can_import=True,
            problems=[],
            duplicate_emails=[],
            suggested_mapping=chosen,
            imported=imported,
        )

    return await _with_import_form(request, actor, unit_of_work, run)


@router.post(
    "/members/bulk-action", response_model=Data[BulkActionOut], summary="Activate, deactivate or freeze"
)
def bulk_action(body: BulkActionIn, actor: CurrentActor, session: SessionDep) -> Data[BulkActionOut]:
    """Apply to the given ids, or to every member matching `filter`, in one transaction. ADMIN only."""
    action = bulk.parse_action(body.action)
    if body.member_ids is not None:
        updated = bulk.apply_bulk_action(session, actor, action, member_ids=body.member_ids)
    else:
        chosen = body.filter
        filters = _filters(
            chosen.q,
            chosen.status.split(",") if chosen.status else None,
            chosen.tier.split(",") if chosen.tier else None,
            chosen.trainer_id,
            chosen.expiring_within_days,
            chosen.expired,
            chosen.started_this_month,
        )
        updated = bulk.apply_bulk_action(session, actor, action, filters=filters)
    return Data(data=BulkActionOut(updated=updated))


def _detail(profile: service.MemberProfile) -> MemberDetailOut:
    m = profile.member
    return MemberDetailOut(
        id=m.id,
        full_name=m.full_name,
        email=profile.email,
        phone=m.phone,
        date_of_birth=m.date_of_birth,
        gender=m.gender,
        membership_tier=m.membership_tier,
        membership_start=m.membership_start,
        membership_end=m.membership_end,
        membership_cue=profile.membership_cue,
        status=m.status,
        trainer_id=m.assigned_trainer_id,
        trainer_name=profile.trainer_name,
        last_visit_at=m.last_visit_at,
        inside_now=profile.inside_now,
        visits_last_30_days=profile.visits_last_30_days,
        average_visit_minutes=profile.average_visit_minutes,
        visits=[VisitOut.model_validate(v, from_attributes=True) for v in profile.visits],
        visits_total=profile.visits_total,
        allowed_actions=profile.allowed_actions,
    )


@router.get("/members/{member_id:uuid}", response_model=Data[MemberDetailOut], summary="Get a member")
def get_member(
    member_id: uuid.UUID,
    actor: CurrentActor,
    session: SessionDep,
    visits_page: Annotated[int, Query(alias="visitsPage", ge=1, le=10_000)] = 1,
) -> Data[MemberDetailOut]:
    """A member's profile: ADMIN any, TRAINER assigned, MEMBER only their own."""
    profile = service.get_member_profile(session, actor, member_id, visits_page=visits_page)
    return Data(data=_detail(profile))


@router.patch("/members/{member_id:uuid}", **documented("Update a member", Data[MemberDetailOut], 409))
def update_member(
    member_id: uuid.UUID, body: MemberUpdate, actor: CurrentActor, session: SessionDep
) -> Data[MemberDetailOut]:
    """Change the given fields; a TRAINER may edit assigned members but not tier, status or trainer."""
    member = service.update_member(
        session, actor, member_id, body.model_dump(by_alias=True, exclude_unset=True)
    )
    session.flush()
    return Data(data=_detail(service.get_member_profile(session, actor, member.id)))


@router.delete("/members/{member_id:uuid}", status_code=204, summary="Delete a member")
def delete_member(member_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Response:
    """Delete a member with its login, visits and plans. ADMIN only."""
    service.delete_member(session, actor, member_id)
    return Response(status_code=204)
