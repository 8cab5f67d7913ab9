"""Password rules beyond Django's own validators (AUTH_PASSWORD_VALIDATORS lists them all)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, with a message in the reader's language: Django 5.2 changed the
    message's wording and its zh-hans catalogue has not caught up, so Chinese readers got it in
    English."""

    def get_error_message(self) -> str:
        return gettext("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return gettext("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
