"""Two-step sign-in for admins: time-based one-time codes (RFC 6238, pyotp), any authenticator app.

`ntswatch users totp USERNAME` stores a new secret in the users file (mode 600) and prints it and its
otpauth:// URI once. At sign-in the 6-digit code of the current 30-second step, or of the step before or after
(valid_window=1: clocks drift), is accepted once: the accepted step is stored, and a code of that step or an
earlier one is refused, so a code seen over someone's shoulder cannot be used again.
"""
from __future__ import annotations

import re
import time

import pyotp

ISSUER = "NTS-Mekong Watch Geo"
VALID_WINDOW = 1
CODE_RE = re.compile(r"\d{6}")


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def accepted_step(secret: str, code: str, last_step: int | None, now: float | None = None) -> int | None:
    """The time step a code belongs to when it is valid now and newer than `last_step`; else None."""
    code = re.sub(r"\s", "", code or "")
    if not CODE_RE.fullmatch(code) or not secret:
        return None
    otp = pyotp.TOTP(secret)
    current = otp.timecode(time.time() if now is None else now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if (last_step is None or step > last_step) and pyotp.utils.strings_equal(code, otp.generate_otp(step)):
            return step
    return None
