"""The pages of a campaign's period table: its download (one period, every enterprise the reader
sees, reported or not) and the upload of the same table filled in (taskforces/importing.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import PermissionDenied, ValidationFailed
from zhuqi.core.forms import Form
from zhuqi.core.periods import Period, periods
from zhuqi.core.tabular import ImportFileError
from zhuqi.taskforces import exporting, importing, reportforms, selectors
from zhuqi.taskforces.models import Campaign, CampaignStatus

# The periods the page offers, newest first (a daily campaign of a quarter: all of them).
PERIODS_OFFERED = 120
# Row errors the page lists after a refused or partial import (the API answers with 1,000).
ERRORS_SHOWN = 50


def offered_periods(campaign: Campaign) -> list[Period]:
    """The campaign's periods up to today's (or its last), newest first."""
    last = exporting.default_period(campaign)
    return list(periods(campaign.period_kind, campaign.starts_on, last.start))[::-1][:PERIODS_OFFERED]


class TableImportForm(Form):
    """The table's upload: the file, the period its rows are for, and whether to write the good
    rows when some are bad. (Kept beside its only view: no other page posts it.)"""

    period = forms.ChoiceField(label=gettext_lazy("报送期"))
    file = forms.FileField(label=gettext_lazy("报送表（.xlsx 或 .csv）"))
    skip_bad = forms.BooleanField(label=gettext_lazy("有错误行时，只导入正确的行"), required=False)

    def __init__(self, *args: Any, offered: list[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label) for p in offered]  # type: ignore[attr-defined]
        if offered:
            self.fields["period"].initial = offered[0].key

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.ZHUQI_MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("文件过大（上限 %(mb)s MB）") % {"mb": settings.ZHUQI_MAX_IMPORT_BYTES // 2**20}
            )
        return upload


@login_required
def table_download(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """One period's table (?period=, else today's) of the campaign, as an .xlsx."""
    user = request_user(request)
    try:
        body, filename = exporting.campaign_table(
            user=user, campaign_id=campaign_id, period=request.GET.get("period")
        )
    except ValidationFailed as error:
        messages.error(request, "；".join(e.message for e in error.errors))
        return redirect("campaign-table-import", campaign_id)
    return office_file(body, filename)


@login_required
def table_import(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The upload page: the period, the file, skip the bad rows or not; after it, what was
    written and each refused cell by row and column."""
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    if not importing.may_import(user):
        raise PermissionDenied(_("只有营商办（专班）、包保部门和联络员可以导入报送表"))
    offered = offered_periods(campaign)
    form = TableImportForm(request.POST or None, request.FILES or None, offered=offered)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.import_table(
                actor=user,
                campaign_id=campaign.pk,
                stream=upload,
                filename=upload.name or "",
                period=form.cleaned_data["period"],
                skip_bad=form.cleaned_data["skip_bad"],
                source="web",
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        except ValidationFailed as error:
            form.add_service_errors(error.errors)
        else:
            _tell(request, result)
            return redirect(reverse("campaign-table-import", args=[campaign.pk]))
    fields = reportforms.form_of(campaign.report_form)
    return render(
        request,
        "taskforces/table_import.html",
        {
            "campaign": campaign,
            "form": form,
            "offered": offered,
            "columns": [exporting.field_header(f) for f in fields],
            "required": [exporting.field_header(f) for f in fields if f.required and not f.registry],
            "closed": campaign.status != CampaignStatus.ACTIVE,
        },
    )


def _tell(request: HttpRequest, result: importing.TableImport) -> None:
    """What the import did, as the page's messages (the page is shown again after a redirect)."""
    bad = "；".join(f"第{e.row}行 {e.column}：{e.message}" for e in result.errors[:ERRORS_SHOWN])
    more = len(result.errors) - ERRORS_SHOWN
    if more > 0:
        bad += _("；另有 %(count)s 处") % {"count": f"{more:,}"}
    if not result.done:
        messages.error(request, _("未导入，请改正后重新上传：%(errors)s") % {"errors": bad})
        return
    messages.success(
        request,
        _("已导入：新报送 %(written)s 家，更正 %(corrected)s 家，无变化 %(unchanged)s 家，未填 %(blank)s 家")
        % {
            "written": f"{result.written:,}",
            "corrected": f"{result.corrected:,}",
            "unchanged": f"{result.unchanged:,}",
            "blank": f"{result.blank:,}",
        },
    )
    if result.errors:
        messages.warning(
            request,
            _("跳过 %(rows)s 行：%(errors)s") % {"rows": f"{len(result.bad_rows):,}", "errors": bad},
        )
