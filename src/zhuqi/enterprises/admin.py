from django.contrib import admin

from zhuqi.core.admin import ReadOnlyAdmin
from zhuqi.enterprises.models import Assignment, Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ["name", "uscc", "region", "industry", "size_class", "above_scale"]
    list_filter = ["size_class", "above_scale"]
    search_fields = ["name", "uscc", "search_text"]
    list_select_related = ["region", "industry"]
    exclude = ["search_text"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["official", "enterprise", "kind", "start_date", "end_date"]
    list_select_related = ["official", "enterprise"]
    raw_id_fields = ["official", "enterprise"]
