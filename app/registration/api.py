"""JSON API of the registration module."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
