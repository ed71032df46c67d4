"""Auth and own-account routes: sign up, sign in, refresh, sign out, me, profile, password."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from thrust.auth import service, sessions
from thrust.auth.cookies import (
    ACCESS_COOKIE,
    DEVICE_COOKIE,
    REFRESH_COOKIE,
    clear_auth_cookies,
    set_auth_cookies,
    set_device_cookie,
)
from thrust.auth.deps import (
    CurrentActor,
    SessionDep,
    authenticated_router,
    bearer_token,
    public_router,
    require_trusted_origin,
    user_agent,
)
from thrust.auth.schemas import AuthOut, LoginIn, PasswordIn, ProfileIn, RefreshIn, SignupIn, UserOut
from thrust.auth.sessions import IssuedTokens, RevokeReason
from thrust.auth.tokens import decode_refresh_token, issue_device_token
from thrust.core.client_address import client_ip
from thrust.core.errors import DomainError, Unauthorized
from thrust.core.http import UnitOfWork, documented, error_response
from thrust.core.schemas import Data
from thrust.core.settings import get_settings

# Public on purpose: these are how a visitor gets (or gives up) a session.
public = public_router(tags=["auth"])
router = authenticated_router(tags=["auth"])


def _user(user: Any) -> dict[str, Any]:
    return UserOut.model_validate(user).model_dump(mode="json", by_alias=True)


def _auth_response(tokens: IssuedTokens, *, use_cookies: bool, status: int = 200) -> JSONResponse:
    """The seed's `{data: {user, accessToken, refreshToken, expiresIn}}`; in cookie mode no tokens."""
    body: dict[str, Any] = {"user": _user(tokens.user), "expiresIn": tokens.expires_in}
    if not use_cookies:
        body["accessToken"] = tokens.access_token
        body["refreshToken"] = tokens.refresh_token
    response = JSONResponse({"data": body}, status_code=status, headers={"Cache-Control": "no-store"})
    if use_cookies:
        set_auth_cookies(
            response, tokens.access_token, tokens.refresh_token, secure=get_settings().secure_cookies
        )
    return response


def _remember_device(response: JSONResponse, tokens: IssuedTokens) -> JSONResponse:
    """Give the browser that just proved the password a device cookie for this account (see login).

    Cookie mode only: a token client (an app, a script) gets no cookies at all."""
    device = issue_device_token(user_id=tokens.user.id, password_hash=tokens.user.password_hash)
    set_device_cookie(response, device, secure=get_settings().secure_cookies)
    return response


def _sign_in(
    request: Request, body: SignupIn | LoginIn, issue: Callable[..., IssuedTokens], *, status: int = 200
) -> JSONResponse:
    """Sign up or in with `issue` (given the credentials and the caller's address and browser). In
    cookie mode: only from this site's pages, and the browser gets the token cookies and a device one."""
    if body.use_cookies:
        require_trusted_origin(request)
    tokens = issue(
        email=body.email, password=body.password, ip=client_ip(request), user_agent=user_agent(request)
    )
    response = _auth_response(tokens, use_cookies=body.use_cookies, status=status)
    return _remember_device(response, tokens) if body.use_cookies else response


@public.post(
    "/auth/signup",
    status_code=201,
    **documented(
        "Create a member account (awaiting activation at the front desk) and sign in",
        Data[AuthOut],
        403,
        409,
        429,
    ),
)
def signup(body: SignupIn, request: Request, unit_of_work: UnitOfWork) -> JSONResponse:
    """Create a MEMBER account with its member profile; `useCookies` signs the browser in with cookies."""
    issue = partial(service.signup, unit_of_work, full_name=body.full_name, phone=body.phone)
    return _sign_in(request, body, issue, status=201)


@public.post("/auth/login", **documented("Sign in with email and password", Data[AuthOut], 401, 403, 429))
def login(body: LoginIn, request: Request, unit_of_work: UnitOfWork) -> JSONResponse:
    """Sign in; 5 failed attempts per 15 minutes per address (an IPv6 /64) and 100 per hour per account
    are allowed. A browser that signed in to the account before (its device cookie) is not held to the
    per-account limit, so nobody can lock the owner out by failing on purpose."""
    issue = partial(service.login, unit_of_work, device_token=request.cookies.get(DEVICE_COOKIE))
    return _sign_in(request, body, issue)


@public.post("/auth/refresh", **documented("Swap a refresh token for new tokens", Data[AuthOut], 401, 403))
def refresh(request: Request, session: SessionDep, body: RefreshIn | None = None) -> JSONResponse:
    """Rotate the refresh token (body, or the refresh cookie); reusing an old one ends the session."""
    token = body.refresh_token if body is not None else None
    from_cookie = token is None
    if from_cookie:
        token = request.cookies.get(REFRESH_COOKIE)
        if not token:
            raise Unauthorized("Refresh token required")
        require_trusted_origin(request)
    assert token is not None
    try:
        tokens = sessions.refresh(session, token, user_agent=user_agent(request), ip=client_ip(request))
    except DomainError as exc:
        if from_cookie:
            return _error_clearing_cookies(request, exc)
        raise
    return _auth_response(tokens, use_cookies=from_cookie)


def _error_clearing_cookies(request: Request, exc: DomainError) -> JSONResponse:
    response = error_response(request, exc.status, exc.code, exc.message, exc.details)
    clear_auth_cookies(response)
    return response


@public.post("/auth/logout", status_code=200, **documented("Sign out", Data[dict[str, bool]], 401, 403))
def logout(request: Request, session: SessionDep, body: RefreshIn | None = None) -> JSONResponse:
    """End the session of the access token (bearer or cookie) or refresh token given; clear the cookies.

    Answers 200 even when there was nothing to end, so a stale browser can always sign out.
    """
    bearer = bearer_token(request)
    access = bearer or request.cookies.get(ACCESS_COOKIE)
    refresh_token = (body.refresh_token if body is not None else None) or request.cookies.get(REFRESH_COOKIE)
    if bearer is None and (request.cookies.get(ACCESS_COOKIE) or request.cookies.get(REFRESH_COOKIE)):
        require_trusted_origin(request)
    ended = False
    if access:
        try:
            actor = sessions.actor_from_access_token(access, session=session)
        except Unauthorized:
            actor = None
        if actor is not None:
            service.logout(session, actor)
            ended = True
    if not ended and refresh_token:
        try:
            claims = decode_refresh_token(refresh_token)
        except Unauthorized:
            claims = None
        if claims is not None:
            sessions.revoke_session(session, claims.session_id, RevokeReason.LOGOUT)
            ended = True
    response = JSONResponse({"data": {"signedOut": True}}, headers={"Cache-Control": "no-store"})
    clear_auth_cookies(response)
    return response


@router.get("/auth/me", response_model=Data[UserOut], summary="The signed-in user")
def me(actor: CurrentActor, session: SessionDep) -> dict[str, Any]:
    """Who the token or cookie belongs to."""
    return {"data": _user(service.get_me(session, actor))}


@router.patch("/settings/profile", **documented("Change your name, phone or email", Data[UserOut], 409))
def update_profile(body: ProfileIn, actor: CurrentActor, session: SessionDep) -> dict[str, Any]:
    """Change only the fields sent; `phone: null` clears the phone number."""
    fields = body.model_dump(exclude_unset=True)
    if "phone" in fields and fields["phone"] is None:
        fields["phone"] = ""
    user = service.update_profile(session, actor, **fields)
    return {"data": _user(user)}


@router.patch("/settings/password", **documented("Change your password", Data[dict[str, bool]], 429))
def change_password(body: PasswordIn, actor: CurrentActor, unit_of_work: UnitOfWork) -> dict[str, Any]:
    """Needs the current password; every other session of yours is signed out."""
    service.change_password(
        unit_of_work, actor, current_password=body.current_password, new_password=body.new_password
    )
    return {"data": {"changed": True}}
