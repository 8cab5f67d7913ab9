"""Uploaded files (case attachments, visit photos and minutes): one check of type and size, and
one way to name what is stored."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename

from zhuqi.core.errors import FieldError


def check_uploads(files: Sequence[UploadedFile], *, field_name: str = "attachments") -> list[FieldError]:
    """Each refused file named by its position: a type not allowed, too large, or empty."""
    errors = []
    for index, upload in enumerate(files):
        name = upload.name or ""
        suffix = PurePath(name).suffix.lower()
        where = f"{field_name}.{index}"
        if suffix not in settings.ZHUQI_ATTACHMENT_TYPES:
            errors.append(
                FieldError(
                    where, f"“{name}”的文件类型不允许，可上传：{' '.join(settings.ZHUQI_ATTACHMENT_TYPES)}"
                )
            )
        elif (upload.size or 0) > settings.ZHUQI_ATTACHMENT_MAX_BYTES:
            limit = settings.ZHUQI_ATTACHMENT_MAX_BYTES // (1024 * 1024)
            errors.append(FieldError(where, f"“{name}”超过 {limit} MB"))
        elif not upload.size:
            errors.append(FieldError(where, f"“{name}”是空文件"))
    return errors


def stored_name(upload: UploadedFile) -> str:
    """The name shown and offered on download: the uploaded file's base name, made safe."""
    return get_valid_filename(PurePath(upload.name or "file").name)[:200]
