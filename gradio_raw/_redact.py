"""Masking of secrets in every text the library writes: logs, errors, raw bodies."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["SECRETS", "redact"]

# Tokens given to any client of this process; they are masked wherever they
# appear, including in server text that echoes them back.
SECRETS: set[str] = set()

# Hugging Face user tokens start with "hf_"; anything shaped like one is
# masked whatever its source.
_TOKEN_PATTERN = re.compile(r"\bhf_[A-Za-z0-9]{6,}")
_BEARER_PATTERN = re.compile(r"(?i)(bearer\s+)[^\s\"',]+")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask tokens in `text`: known secrets, HF-shaped tokens and bearer values."""
    for secret in (*SECRETS, *secrets):
        if secret:
            text = text.replace(secret, "***")
    text = _TOKEN_PATTERN.sub("hf_***", text)
    return _BEARER_PATTERN.sub(r"\1***", text)
