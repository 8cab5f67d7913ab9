from django.contrib import admin

from zhuqi.core.admin import ReadOnlyAdmin, ReadOnlyMixin
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
    list_display = ["username", "display_name", "role", "region", "department", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    exclude = ["password"]
