"""JSON API of the matchmaking module."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
