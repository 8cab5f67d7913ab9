from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy

from zhuqi.core import services as core_services
from zhuqi.core import throttling
from zhuqi.core.admin import ReadOnlyAdmin, ReadOnlyMixin
from zhuqi.directory import services
from zhuqi.directory.models import Department, Industry, Official, Post, Region, User


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Industry)
class IndustryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "section"]
    list_filter = ["level", "section"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


class PostInline(ReadOnlyMixin, admin.TabularInline):
    model = Post
    extra = 0


@admin.register(Official)
class OfficialAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "title"]
    search_fields = ["name"]
    inlines = [PostInline]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = [
        "username",
        "display_name",
        "role",
        "region",
        "department",
        "is_active",
        "must_change_password",
    ]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    exclude = ["password"]
    # Each action goes through the services, so it is checked and audited like any other change.
    actions = ["unlock_logins", "force_password_reset", "revoke_tokens"]

    @admin.action(description=gettext_lazy("解除登录锁定"))
    def unlock_logins(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            throttling.login_unlock(actor=request.user, username=user.username, source="web")
        self.message_user(request, gettext("已解除 %(count)d 个账号的登录锁定") % {"count": queryset.count()})

    @admin.action(description=gettext_lazy("要求重设密码"))
    def force_password_reset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.password_reset_force(actor=request.user, user=user, source="web")
        message = gettext("%(count)d 个账号须在下次登录时设置新密码，其API令牌已吊销")
        self.message_user(request, message % {"count": queryset.count()})

    @admin.action(description=gettext_lazy("吊销全部API令牌"))
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        revoked = sum(
            core_services.tokens_revoke_all(actor=request.user, user=user, source="web") for user in queryset
        )
        self.message_user(request, gettext("已吊销 %(count)d 个API令牌") % {"count": revoked})
