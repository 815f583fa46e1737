"""Routes: two-factor sign-in, sign-in sessions, the audit log and the site's security policy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.errors import AppError, ErrorCode
from app.core.schemas import DbId
from app.users import audit, policy, qr_code, sessions, two_factor, two_factor_flow
from app.users import service as user_service
from app.users.deps import AdminUser, CurrentSession, CurrentUser
from app.users.models import AuditEvent
from app.users.router import origin_of
from app.users.schemas import (
    AuditEventOut,
    AuditPage,
    CodeIn,
    RecoveryCodes,
    SecondFactorIn,
    SecurityPolicyIn,
    SecurityPolicyOut,
    SessionEnded,
    SessionOut,
    SessionsEnded,
    TwoFactorDisabled,
    TwoFactorEnabled,
    TwoFactorSetup,
    TwoFactorStatus,
)

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES, tags=["security"])

SessionId = Annotated[str, Path(alias="sessionId", min_length=1, max_length=32)]
Before = Annotated[
    DbId | None, Query(description="Only events with a smaller id (the previous page's nextBefore)")
]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/users/me/2fa", response_model=Envelope[TwoFactorStatus])
async def two_factor_status(user: CurrentUser, session: DbSession) -> Envelope[TwoFactorStatus]:
    left = await two_factor.recovery_codes_left(session, user.id) if user.two_factor_enabled else 0
    return ok(
        TwoFactorStatus(
            enabled=user.two_factor_enabled,
            enabled_at=user.totp_enabled_at,
            recovery_codes_left=left,
            required=user.staff_locked,
        )
    )


@router.post("/users/me/2fa/setup", response_model=Envelope[TwoFactorSetup])
async def two_factor_setup(user: CurrentUser, runtime: RuntimeDep) -> Envelope[TwoFactorSetup]:
    """A new secret and its QR code for an authenticator app; 2FA turns on once a code confirms it (enable).
    Calling it again replaces a secret not yet confirmed. 409 when 2FA is already on."""
    enrolment = two_factor_flow.begin(runtime.settings, user)
    return ok(
        TwoFactorSetup(secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri, qr_code=enrolment.qr_code)
    )


@router.get(
    "/users/me/2fa/qr.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The pending enrolment's QR code"}},
)
async def two_factor_qr(user: CurrentUser, runtime: RuntimeDep) -> Response:
    """The QR code of the enrolment under way, as a PNG (404 when none is under way)."""
    uri = two_factor_flow.pending_uri(runtime.settings, user)
    if uri is None:
        raise AppError(
            ErrorCode.NOT_FOUND, "No two-factor enrolment is under way: POST /api/users/me/2fa/setup"
        )
    return Response(qr_code.png(uri), media_type="image/png", headers={"Cache-Control": "no-store"})


@router.post("/users/me/2fa/enable", response_model=Envelope[TwoFactorEnabled])
async def two_factor_enable(
    body: CodeIn, user: CurrentUser, request: Request, runtime: RuntimeDep, session: DbSession
) -> Envelope[TwoFactorEnabled]:
    """Turn 2FA on with a first code from the app; the answer holds ten recovery codes, shown only here."""
    codes = await two_factor_flow.enable(session, runtime, user, body.code, origin_of(runtime, request))
    user_service.forget_checks(session, runtime, user.id)
    return ok(TwoFactorEnabled(recovery_codes=codes))


@router.post("/users/me/2fa/disable", response_model=Envelope[TwoFactorDisabled])
async def two_factor_disable(
    body: SecondFactorIn, user: CurrentUser, request: Request, runtime: RuntimeDep, session: DbSession
) -> Envelope[TwoFactorDisabled]:
    """Turn 2FA off with a current code or a recovery code."""
    origin = origin_of(runtime, request)
    await two_factor_flow.disable(
        session, runtime, user, code=body.code, recovery_code=body.recovery_code, origin=origin
    )
    user_service.forget_checks(session, runtime, user.id)
    return ok(TwoFactorDisabled())


@router.post("/users/me/2fa/recovery-codes", response_model=Envelope[RecoveryCodes])
async def two_factor_recovery_codes(
    body: CodeIn, user: CurrentUser, request: Request, runtime: RuntimeDep, session: DbSession
) -> Envelope[RecoveryCodes]:
    """A new set of ten recovery codes (needs a current code); the previous ones stop working."""
    origin = origin_of(runtime, request)
    codes = await two_factor_flow.new_recovery_codes(session, runtime, user, body.code, origin)
    return ok(RecoveryCodes(recovery_codes=codes))


@router.get("/users/me/sessions", response_model=Envelope[list[SessionOut]])
async def list_sessions(signed_in: CurrentSession, session: DbSession) -> Envelope[list[SessionOut]]:
    """The caller's live sign-in sessions (not ended, not past their last refresh token), this one first."""
    rows = await sessions.live(session, signed_in.user.id)
    rows.sort(key=lambda row: row.id != signed_in.session_id)
    return ok(
        [
            SessionOut(
                id=row.id,
                user_agent=row.user_agent,
                ip=row.ip,
                created_at=row.created_at,
                last_seen_at=row.last_seen_at,
                current=row.id == signed_in.session_id,
            )
            for row in rows
        ]
    )


@router.delete("/users/me/sessions/{sessionId}", response_model=Envelope[SessionEnded])
async def end_session(
    session_id: SessionId,
    signed_in: CurrentSession,
    request: Request,
    runtime: RuntimeDep,
    session: DbSession,
) -> Envelope[SessionEnded]:
    """End one of the caller's sessions (this one too: that is signing out). 404 for anyone else's."""
    cache = user_service.auth_cache(runtime)
    await user_service.end_session(
        session, cache, signed_in.user, session_id, signed_in.session_id, origin_of(runtime, request)
    )
    return ok(SessionEnded(ended=True))


@router.post("/users/me/sessions/end-others", response_model=Envelope[SessionsEnded])
async def end_other_sessions(
    signed_in: CurrentSession, request: Request, runtime: RuntimeDep, session: DbSession
) -> Envelope[SessionsEnded]:
    """End every session of the caller but this one."""
    cache = user_service.auth_cache(runtime)
    ended = await user_service.end_other_sessions(
        session, cache, signed_in.user, signed_in.session_id, origin_of(runtime, request)
    )
    return ok(SessionsEnded(ended=ended))


def _page(events: list[AuditEvent], limit: int) -> AuditPage:
    return AuditPage(
        events=[AuditEventOut.model_validate(e) for e in events],
        next_before=events[-1].id if len(events) == limit else None,
    )


@router.get("/users/me/audit", response_model=Envelope[AuditPage])
async def my_audit(
    user: CurrentUser, session: DbSession, before: Before = None, limit: Limit = 50
) -> Envelope[AuditPage]:
    """The security events of the caller's account, newest first."""
    return ok(_page(await audit.page(session, user_id=user.id, before=before, limit=limit), limit))


@router.get("/admin/audit", response_model=Envelope[AuditPage])
async def all_audit(
    admin: AdminUser,
    session: DbSession,
    user_id: Annotated[DbId | None, Query(alias="userId")] = None,
    action: Annotated[audit.AuditAction | None, Query()] = None,
    before: Before = None,
    limit: Limit = 50,
) -> Envelope[AuditPage]:
    """Every account's security events, newest first (administrators); filter by userId and action."""
    events = await audit.page(
        session, user_id=user_id, action=action.value if action else None, before=before, limit=limit
    )
    return ok(_page(events, limit))


def _policy_out(found: policy.Policy) -> SecurityPolicyOut:
    return SecurityPolicyOut(
        require_two_factor_for_staff=found.require_two_factor_for_staff,
        updated_at=found.updated_at,
        updated_by=found.updated_by,
    )


@router.get("/admin/security-policy", response_model=Envelope[SecurityPolicyOut])
async def get_security_policy(admin: AdminUser, session: DbSession) -> Envelope[SecurityPolicyOut]:
    return ok(_policy_out(await policy.read(session)))


@router.put("/admin/security-policy", response_model=Envelope[SecurityPolicyOut])
async def put_security_policy(
    body: SecurityPolicyIn, admin: AdminUser, request: Request, runtime: RuntimeDep, session: DbSession
) -> Envelope[SecurityPolicyOut]:
    """Require (or stop requiring) 2FA for moderators and admins: until they turn it on, their role's
    powers are withheld (they act as plain users). An admin without 2FA cannot turn the requirement on."""
    require = body.require_two_factor_for_staff
    if require and not admin.two_factor_enabled:
        raise AppError(
            ErrorCode.TWO_FACTOR_REQUIRED,
            "Turn on two-factor sign-in for your own account first",
            field="requireTwoFactorForStaff",
        )
    found = await policy.write(session, runtime.settings, admin, require)
    audit.record(
        session,
        audit.AuditAction.SECURITY_POLICY_CHANGED,
        user_id=admin.id,
        origin=origin_of(runtime, request),
        details={"requireTwoFactorForStaff": require},
    )
    return ok(_policy_out(found))
