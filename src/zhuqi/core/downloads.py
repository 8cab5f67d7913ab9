"""The Excel and Word files the pages hand over: one place for their type and download name."""

from __future__ import annotations

from pathlib import PurePath

from django.http import HttpResponse
from django.utils.http import content_disposition_header

OFFICE_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def office_file(body: bytes, filename: str) -> HttpResponse:
    """A download named `filename` (Chinese names too: Django writes them as RFC 6266 asks)."""
    response = HttpResponse(body, content_type=OFFICE_TYPES[PurePath(filename).suffix])
    # None only for an inline response with no name; an attachment always gets one.
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
