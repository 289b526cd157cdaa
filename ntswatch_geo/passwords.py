"""The password policy: at least 12 characters, at most 72 bytes, and hard to guess.

"Hard to guess" is zxcvbn's estimate (the Dropbox library, pinned): a score of at least 3 of 4 ("safely
unguessable: moderate protection from an offline slow-hash scenario"), with the username and the display name
given as words an attacker knows. The username itself is never allowed. Applied wherever a password is set:
`ntswatch users add`, `ntswatch users password`, the demo accounts (random, always pass).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from zxcvbn import zxcvbn

from .i18n import t

MIN_LENGTH = 12
MAX_BYTES = 72       # bcrypt's limit; bcrypt 5 refuses longer passwords instead of cutting them
MIN_SCORE = 3        # zxcvbn 0-4
_ZXCVBN_MAX = 100    # zxcvbn is slow on very long inputs; the first 100 characters decide


@dataclass(frozen=True)
class Verdict:
    """What is wrong with a password (empty `problems`: it may be used)."""
    problems: tuple[str, ...]          # too_short | too_long | is_username | weak
    score: int | None = None
    feedback: tuple[str, ...] = field(default=())   # zxcvbn's warning and suggestions (English)

    @property
    def ok(self) -> bool:
        return not self.problems

    def message(self, lang: str = "en") -> str:
        """One sentence per problem, then what is allowed, then zxcvbn's advice."""
        parts = [t(f"password.{p}", lang, min=MIN_LENGTH, max=MAX_BYTES, score=self.score if self.score
                   is not None else "-", need=MIN_SCORE) for p in self.problems]
        parts.append(t("password.allowed", lang, min=MIN_LENGTH, need=MIN_SCORE))
        if self.feedback:
            parts.append(t("password.advice", lang, advice=" ".join(self.feedback)))
        return " ".join(parts)


def check(password: str, username: str = "", display_name: str = "") -> Verdict:
    """Judge a password for the account `username` (named `display_name`)."""
    password = password or ""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append("too_short")
    if len(password.encode("utf-8")) > MAX_BYTES:
        problems.append("too_long")
    if username and password.strip().lower() == username.strip().lower():
        problems.append("is_username")
    inputs = [w for w in (username, display_name, *(display_name or "").split(), *username.replace(".", " ")
                          .replace("-", " ").replace("_", " ").split()) if w]
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=inputs) if password else None
    score = result["score"] if result else 0
    feedback = ()
    if score < MIN_SCORE:
        problems.append("weak")
        fb = result["feedback"] if result else {}
        feedback = tuple(x for x in (fb.get("warning"), *fb.get("suggestions", [])) if x)
    return Verdict(tuple(problems), score, feedback)


def require(password: str, username: str = "", display_name: str = "", lang: str = "en") -> None:
    """Raise InputError ('password: ...') unless the password meets the policy."""
    from .errors import InputError

    verdict = check(password, username, display_name)
    if not verdict.ok:
        raise InputError(f"password: {verdict.message(lang)}")
