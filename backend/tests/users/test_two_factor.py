"""Two-factor sign-in: enrolment with a QR code, codes accepted once, recovery codes, limits, staff policy."""

from __future__ import annotations

import base64
import re
from typing import Any

import httpx
import pyotp
from fastapi import FastAPI
from sqlalchemy import select

from app.config import Settings
from app.core.clock import FrozenClock
from app.users.models import RecoveryCode, User
from app.users.service import reset_two_factor
from tests.conftest import Account, assert_error, register, set_role

PASSWORD = "correct-horse"


def _data(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()["data"]


def _code(secret: str, clock: FrozenClock, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now().timestamp() + 30 * steps_ahead)


async def _enrol(client: httpx.AsyncClient, account: Account, clock: FrozenClock) -> tuple[str, list[str]]:
    """2FA turned on; returns the secret and the recovery codes. The clock moves on a step afterwards so
    the next code is a fresh one."""
    setup = _data(await client.post("/api/users/me/2fa/setup", headers=account.headers))
    enabled = _data(
        await client.post(
            "/api/users/me/2fa/enable", headers=account.headers, json={"code": _code(setup["secret"], clock)}
        )
    )
    clock.advance(30)
    return setup["secret"], enabled["recoveryCodes"]


async def _login(client: httpx.AsyncClient, email: str, **headers: str) -> dict[str, Any]:
    body = {"email": email, "password": PASSWORD}
    data: dict[str, Any] = _data(await client.post("/api/auth/login", json=body, headers=headers))
    return data


def _bearer(data: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {data['tokens']['accessToken']}"}


async def _second_step(client: httpx.AsyncClient, challenge: str, **factor: str) -> httpx.Response:
    return await client.post("/api/auth/login/2fa", json={"challengeToken": challenge, **factor})


async def _actions(client: httpx.AsyncClient, account: Account | dict[str, str]) -> list[str]:
    headers = account.headers if isinstance(account, Account) else account
    page = _data(await client.get("/api/users/me/audit", headers=headers))
    return [event["action"] for event in page["events"]]


async def test_enrolment_gives_a_scannable_secret_kept_sealed(
    app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    account = await register(client)
    setup = _data(await client.post("/api/users/me/2fa/setup", headers=account.headers))
    assert re.fullmatch(r"[A-Z2-7]{32}", setup["secret"])
    email = account.user["email"].replace("@", "%40")
    assert (
        setup["otpauthUri"] == f"otpauth://totp/Cryptomon:{email}?secret={setup['secret']}&issuer=Cryptomon"
    )
    png = base64.b64decode(setup["qrCode"].removeprefix("data:image/png;base64,"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    served = await client.get("/api/users/me/2fa/qr.png", headers=account.headers)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.content == png
    async with app.state.runtime.db.session() as session:
        stored = await session.scalar(select(User.totp_secret).where(User.id == account.id))
    assert stored is not None and stored.startswith("enc:v1:") and setup["secret"] not in stored
    # Not on until a code confirms it: signing in still needs the password only.
    status = _data(await client.get("/api/users/me/2fa", headers=account.headers))
    assert status == {"enabled": False, "enabledAt": None, "recoveryCodesLeft": 0, "required": False}
    assert "tokens" in await _login(client, account.user["email"])


async def test_turning_on_needs_a_right_code_and_gives_ten_recovery_codes(
    app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    account = await register(client)
    assert_error(
        await client.post("/api/users/me/2fa/enable", headers=account.headers, json={"code": "123456"}),
        409,
        "CONFLICT",
    )  # no enrolment under way
    setup = _data(await client.post("/api/users/me/2fa/setup", headers=account.headers))
    wrong = str((int(_code(setup["secret"], clock)) + 1) % 1_000_000).zfill(6)
    error = assert_error(
        await client.post("/api/users/me/2fa/enable", headers=account.headers, json={"code": wrong}),
        401,
        "INVALID_TWO_FACTOR_CODE",
    )
    assert error["field"] == "code"
    assert not _data(await client.get("/api/users/me/2fa", headers=account.headers))["enabled"]
    enabled = _data(
        await client.post(
            "/api/users/me/2fa/enable", headers=account.headers, json={"code": _code(setup["secret"], clock)}
        )
    )
    codes = enabled["recoveryCodes"]
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    async with app.state.runtime.db.session() as session:
        hashes = list(
            await session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == account.id))
        )
    assert len(hashes) == 10 and not set(codes) & set(hashes)
    status = _data(await client.get("/api/users/me/2fa", headers=account.headers))
    assert status["enabled"] and status["recoveryCodesLeft"] == 10 and status["enabledAt"]
    assert _data(await client.get("/api/users/me", headers=account.headers))["twoFactorEnabled"] is True
    assert_error(await client.post("/api/users/me/2fa/setup", headers=account.headers), 409, "CONFLICT")
    actions = await _actions(client, account)
    assert actions[0] == "two_factor.enabled" and "signin.two_factor_failure" in actions


async def test_sign_in_needs_the_code_and_a_code_works_once(
    client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    account = await register(client)
    secret, _ = await _enrol(client, account, clock)
    email = account.user["email"]
    step = await _login(client, email)
    assert step["twoFactorRequired"] is True and step["expiresIn"] == 300 and "tokens" not in step
    # The step's token is no access token.
    bad = {"Authorization": f"Bearer {step['challengeToken']}"}
    assert_error(await client.get("/api/users/me", headers=bad), 401, "INVALID_TOKEN")
    assert_error(
        await _second_step(client, step["challengeToken"], code="000000"), 401, "INVALID_TWO_FACTOR_CODE"
    )
    code = _code(secret, clock)
    signed_in = _data(await _second_step(client, step["challengeToken"], code=code))
    assert signed_in["user"]["email"] == email
    assert _data(await client.get("/api/users/me", headers=_bearer(signed_in)))["id"] == account.id
    # The same code again (same step), even with a new challenge: refused, it was used.
    again = await _login(client, email)
    replayed = assert_error(
        await _second_step(client, again["challengeToken"], code=code), 401, "INVALID_TWO_FACTOR_CODE"
    )
    assert "already used" in replayed["message"]
    # A challenge completes one sign-in only.
    clock.advance(30)
    assert_error(
        await _second_step(client, step["challengeToken"], code=_code(secret, clock)), 401, "INVALID_TOKEN"
    )
    # A code of the previous step is still accepted (clock drift) if it was not used.
    clock.advance(30)
    late = _data(await _second_step(client, again["challengeToken"], code=_code(secret, clock, -1)))
    assert late["tokens"]["accessToken"]


async def test_the_code_step_expires(
    client: httpx.AsyncClient, clock: FrozenClock, settings: Settings
) -> None:
    account = await register(client)
    secret, _ = await _enrol(client, account, clock)
    step = await _login(client, account.user["email"])
    clock.advance(settings.two_factor_step_seconds + 1)
    assert_error(
        await _second_step(client, step["challengeToken"], code=_code(secret, clock)), 401, "TOKEN_EXPIRED"
    )


async def test_recovery_codes_work_once(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    account = await register(client)
    _, codes = await _enrol(client, account, clock)
    email = account.user["email"]
    step = await _login(client, email)
    done = _data(await _second_step(client, step["challengeToken"], recoveryCode=codes[3].upper()))
    assert done["tokens"]["accessToken"]
    status = _data(await client.get("/api/users/me/2fa", headers=_bearer(done)))
    assert status["recoveryCodesLeft"] == 9
    step = await _login(client, email)
    error = assert_error(
        await _second_step(client, step["challengeToken"], recoveryCode=codes[3]),
        401,
        "INVALID_TWO_FACTOR_CODE",
    )
    assert error["field"] == "recoveryCode"
    both = await client.post(
        "/api/auth/login/2fa",
        json={"challengeToken": step["challengeToken"], "code": "123456", "recoveryCode": codes[0]},
    )
    assert_error(both, 422, "VALIDATION_ERROR")
    assert "two_factor.recovery_code_used" in await _actions(client, _bearer(done))


async def test_new_recovery_codes_replace_the_old(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    account = await register(client)
    secret, old = await _enrol(client, account, clock)
    new = _data(
        await client.post(
            "/api/users/me/2fa/recovery-codes", headers=account.headers, json={"code": _code(secret, clock)}
        )
    )["recoveryCodes"]
    assert len(new) == 10 and not set(new) & set(old)
    step = await _login(client, account.user["email"])
    assert_error(
        await _second_step(client, step["challengeToken"], recoveryCode=old[0]),
        401,
        "INVALID_TWO_FACTOR_CODE",
    )
    assert (await _second_step(client, step["challengeToken"], recoveryCode=new[0])).status_code == 200


async def test_wrong_codes_are_limited(
    client: httpx.AsyncClient, clock: FrozenClock, settings: Settings
) -> None:
    account = await register(client)
    secret, _ = await _enrol(client, account, clock)
    step = await _login(client, account.user["email"])
    for _ in range(settings.two_factor_attempt_limit):
        assert_error(
            await _second_step(client, step["challengeToken"], code="000000"), 401, "INVALID_TWO_FACTOR_CODE"
        )
    # Past the limit even the right code waits: guessing a million codes five at a time takes years.
    limited = await _second_step(client, step["challengeToken"], code=_code(secret, clock))
    assert_error(limited, 429, "RATE_LIMITED")
    assert int(limited.headers["Retry-After"]) > 0
    clock.advance(settings.two_factor_attempt_window_seconds)
    fresh = await _login(client, account.user["email"])
    assert (await _second_step(client, fresh["challengeToken"], code=_code(secret, clock))).status_code == 200


async def test_turning_off_needs_a_code(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    account = await register(client)
    secret, codes = await _enrol(client, account, clock)
    disable = "/api/users/me/2fa/disable"
    assert_error(
        await client.post(disable, headers=account.headers, json={"code": "000000"}),
        401,
        "INVALID_TWO_FACTOR_CODE",
    )
    assert_error(await client.post(disable, headers=account.headers, json={}), 422, "VALIDATION_ERROR")
    assert _data(await client.get("/api/users/me/2fa", headers=account.headers))["enabled"] is True
    assert _data(await client.post(disable, headers=account.headers, json={"recoveryCode": codes[0]})) == {
        "enabled": False
    }
    assert "tokens" in await _login(client, account.user["email"])
    assert_error(
        await client.post(disable, headers=account.headers, json={"code": _code(secret, clock)}),
        409,
        "CONFLICT",
    )
    assert (await _actions(client, account))[:2] == ["signin.success", "two_factor.disabled"]


async def test_admins_can_require_two_factor_for_staff(
    client: httpx.AsyncClient, clock: FrozenClock, settings: Settings
) -> None:
    admin, moderator, member = await register(client), await register(client), await register(client)
    await set_role(settings, admin.id, "admin")
    await set_role(settings, moderator.id, "moderator")
    policy_url = "/api/admin/security-policy"
    assert _data(await client.get(policy_url, headers=admin.headers))["requireTwoFactorForStaff"] is False
    on = {"requireTwoFactorForStaff": True}
    assert_error(await client.put(policy_url, headers=member.headers, json=on), 403, "FORBIDDEN")
    refused = assert_error(
        await client.put(policy_url, headers=admin.headers, json=on), 403, "TWO_FACTOR_REQUIRED"
    )
    assert refused["field"] == "requireTwoFactorForStaff"
    _, admin_codes = await _enrol(client, admin, clock)
    saved = _data(await client.put(policy_url, headers=admin.headers, json=on))
    assert saved["requireTwoFactorForStaff"] is True and saved["updatedBy"] == admin.id
    # The moderator keeps the role but not its powers until 2FA is on.
    me = _data(await client.get("/api/users/me", headers=moderator.headers))
    assert me["role"] == "moderator" and me["twoFactorRequired"] is True
    assert _data(await client.get("/api/users/me/2fa", headers=moderator.headers))["required"] is True
    assert_error(
        await client.get("/api/community/moderation/queue", headers=moderator.headers),
        403,
        "TWO_FACTOR_REQUIRED",
    )
    await _enrol(client, moderator, clock)
    assert (await client.get("/api/community/moderation/queue", headers=moderator.headers)).status_code == 200
    assert _data(await client.get("/api/users/me", headers=member.headers))["twoFactorRequired"] is False
    events = _data(await client.get("/api/admin/audit?action=security_policy.changed", headers=admin.headers))
    assert [e["details"] for e in events["events"]] == [{"requireTwoFactorForStaff": True}]
    # An admin who turns 2FA off loses admin powers while the policy stands.
    off = await client.post(
        "/api/users/me/2fa/disable", headers=admin.headers, json={"recoveryCode": admin_codes[0]}
    )
    assert off.status_code == 200
    assert_error(await client.get(policy_url, headers=admin.headers), 403, "TWO_FACTOR_REQUIRED")


async def test_an_operator_can_reset_a_locked_out_account(
    app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    account = await register(client)
    await _enrol(client, account, clock)
    async with app.state.runtime.db.session() as session:
        user = await session.get(User, account.id)
        assert user is not None
        await reset_two_factor(session, user)
    assert_error(await client.get("/api/users/me", headers=account.headers), 401, "INVALID_TOKEN")
    signed_in = await _login(client, account.user["email"])
    assert "tokens" in signed_in  # the password alone again
    status = _data(await client.get("/api/users/me/2fa", headers=_bearer(signed_in)))
    assert status["enabled"] is False and status["recoveryCodesLeft"] == 0
    page = _data(await client.get("/api/users/me/audit", headers=_bearer(signed_in)))
    reset = page["events"][1]
    assert reset["action"] == "two_factor.disabled" and reset["actorId"] is None
    assert reset["details"]["by"] == "operator (cryptomon reset-2fa)"
