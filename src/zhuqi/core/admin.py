"""The admin site is for looking, not changing: every change goes through a service function so
it is validated, scoped and audited, which the admin's own save would bypass."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_lazy

from zhuqi.core import services
from zhuqi.core.models import ApiToken, AuditEntry

admin.site.site_header = "助企 zhuqi"
admin.site.site_title = "助企 zhuqi"


def _password_change(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin's "change password" link leads to the account page, where a change also revokes
    the API tokens and is audited (the admin's own form would do neither)."""
    return redirect("account")


admin.site.password_change = _password_change  # type: ignore[method-assign,assignment]


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "content_type", "object_repr", "source"]
    list_filter = ["action", "content_type", "source"]
    search_fields = ["actor_name", "object_repr", "object_id"]
    date_hierarchy = "at"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["user", "label", "created_from", "created_at", "last_used_at"]
    search_fields = ["user__username", "label"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    @admin.action(description=gettext_lazy("吊销所选API令牌"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        # Through the service, one by one: each revocation is checked and audited.
        tokens = list(queryset.values_list("pk", flat=True))
        for token_id in tokens:
            services.token_revoke(actor=request.user, token_id=token_id, source="web")
        self.message_user(request, gettext("已吊销 %(count)d 个API令牌") % {"count": len(tokens)})
