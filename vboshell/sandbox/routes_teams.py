"""Sandbox Graph endpoints: teams (placeholder while the endpoints land).
Registered by SandboxApp at start-up."""

from __future__ import annotations

from typing import Any


def register(app: Any) -> None:
    pass


def rewrite(app: Any, ctx: Any, path: str) -> str:
    return path
