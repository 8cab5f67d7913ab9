"""Enterprise pages. Thin: reads through selectors, writes through services, and the same filter
set as the API, so the page, the API and the export always show the same list."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhuqi.core import audit, panels
from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import NotFound, PermissionDenied, ServiceError, StaleWrite, ValidationFailed
from zhuqi.core.filtersets import page_filterset
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.tabular import ImportFileError, check_xlsx_limits
from zhuqi.directory.selectors import assignable_officials
from zhuqi.enterprises import selectors, services
from zhuqi.enterprises.exporting import MAX_ROWS, export_enterprises
from zhuqi.enterprises.filtersets import EnterpriseFilterSet
from zhuqi.enterprises.forms import (
    CONTACT_ROWS,
    AssignmentForm,
    EnterpriseForm,
    ImportConfirmForm,
    ImportUploadForm,
    QualificationsForm,
)
from zhuqi.enterprises.models import Assignment, Enterprise, SizeClass
from zhuqi.imports import jobs
from zhuqi.imports import selectors as import_selectors
from zhuqi.imports.models import ImportJob

PAGE_SIZE = 50


def _filter_params(request: HttpRequest) -> Any:
    params = request.GET.copy()
    params.pop("page", None)
    return params


def _filtered(request: HttpRequest) -> Any:
    """The user's enterprises through the filter set the API uses too; a filter that cannot be
    read is said so to the person, not silently dropped."""
    scoped = selectors.enterprise_queryset(user=request_user(request))
    return page_filterset(request, EnterpriseFilterSet(_filter_params(request), queryset=scoped)).qs


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = Paginator(_filtered(request), PAGE_SIZE).get_page(request.GET.get("page"))
    params = _filter_params(request)
    context: dict[str, Any] = {
        "page": page,
        "filters": params,
        "querystring_base": (params.urlencode() + "&") if params else "",
        "can_edit": selectors.can_edit_enterprise(user),
    }
    if request.htmx:  # type: ignore[attr-defined]
        # Only the results are swapped in; the filter form, and its choices, stay on the page.
        return render(request, "enterprises/list.html#results", context)
    context["size_classes"] = SizeClass.choices
    # Officials are a government's staff list: not for enterprise accounts (the picker answers them nothing).
    context["can_pick_officials"] = has_permission(user, Permission.READ_DIRECTORY)
    return render(request, "enterprises/list.html", context)


@login_required
def enterprise_export(request: HttpRequest) -> HttpResponse:
    queryset = _filtered(request)
    if queryset.count() > MAX_ROWS:
        messages.error(request, _("导出超过 %(max)s 行，请先筛选") % {"max": MAX_ROWS})
        return redirect("enterprise-list")
    body = export_enterprises(
        queryset.iterator(chunk_size=2000),
        show_contacts=selectors.can_see_contacts(request_user(request)),
    )
    return office_file(body, f"enterprises-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@login_required
def enterprise_detail(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    user = request_user(request)
    return _detail_page(request, selectors.enterprise_detail(user=user, enterprise_id=enterprise_id))


def _detail_page(
    request: HttpRequest, enterprise: Enterprise, qualifications_form: QualificationsForm | None = None
) -> HttpResponse:
    """The enterprise's page; with `qualifications_form`, its qualifications form as posted and
    refused (the page shown again with the reasons beside the rows)."""
    user = request_user(request)
    can_edit_registry = selectors.can_edit_enterprise(user)
    qualifications = selectors.enterprise_qualifications(enterprise)
    if qualifications_form is None and can_edit_registry:
        qualifications_form = QualificationsForm.for_enterprise(enterprise, qualifications)
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "show_contacts": selectors.can_see_contacts(user),
            "can_edit": selectors.editable_fields(user, enterprise) != frozenset(),
            "can_assign": can_edit_registry,
            "assignment_kinds": Assignment.Kind.choices,
            "qualifications": qualifications,
            "qualifications_form": qualifications_form if can_edit_registry else None,
            # What the apps above add (filing a case, key projects, visits): core.panels.
            **panels.context("enterprise-detail", user, enterprise),
        },
    )


@login_required
@require_POST
def enterprise_qualifications(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """资质认定: the enterprise's whole list as posted, replaced by the service; a refusal shows
    the page again with the rows as posted and the reasons beside them."""
    user = request_user(request)
    enterprise = selectors.enterprise_detail(user=user, enterprise_id=enterprise_id)
    form = QualificationsForm.for_enterprise(
        enterprise, selectors.enterprise_qualifications(enterprise), data=request.POST
    )
    form.is_valid()  # every row as posted; the service judges them
    try:
        services.qualifications_set(
            actor=user,
            enterprise_id=enterprise.pk,
            expected_version=form.cleaned_data.get("version"),
            items=form.items(),
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ValidationFailed as error:
        form.add_service_errors(error.errors)
    except StaleWrite as error:
        messages.error(request, error.message)
        form.add_error(None, _("其他人刚修改了这家企业。您的修改没有保存；请打开最新版本后重新修改。"))
    except ServiceError as error:
        form.add_error(None, form.error_text(error))
    else:
        messages.success(request, _("资质认定已保存"))
        return redirect("enterprise-detail", enterprise.pk)
    return _detail_page(request, enterprise, form)


@login_required
def enterprise_history(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    user = request_user(request)
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    page = Paginator(selectors.enterprise_history(enterprise), 50).get_page(request.GET.get("page"))
    shown = audit.with_visible_changes(page.object_list, show_personal=selectors.can_see_contacts(user))
    template = "enterprises/history.html#table" if request.htmx else "enterprises/history.html"  # type: ignore[attr-defined]
    return render(request, template, {"enterprise": enterprise, "page": page, "entries": shown})


def _form_page(request: HttpRequest, form: EnterpriseForm, enterprise: Enterprise | None) -> HttpResponse:
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise})


@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not selectors.can_edit_enterprise(user):
        raise PermissionDenied()
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(actor=user, data=form.service_data(), source="web")
        except ValidationFailed as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("已登记：%(name)s") % {"name": enterprise.name})
            return redirect("enterprise-detail", enterprise.pk)
    return _form_page(request, form, None)


@login_required
def enterprise_edit(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    user = request_user(request)
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    editable = selectors.editable_fields(user, enterprise)
    if editable == frozenset():
        raise PermissionDenied(services.EDIT_REFUSED)
    if request.method != "POST":
        form = EnterpriseForm(initial=EnterpriseForm.initial_for(enterprise), editable=editable)
        return _form_page(request, form, enterprise)
    form = EnterpriseForm(
        request.POST,
        initial=EnterpriseForm.initial_for(enterprise),
        editable=editable,
        kept_contacts=(enterprise.contacts or [])[CONTACT_ROWS:],
    )
    if form.is_valid():
        try:
            services.enterprise_update(
                actor=user,
                enterprise_id=enterprise.pk,
                data=form.service_data(),
                expected_version=form.cleaned_data.get("version"),
                source="web",
            )
        except ValidationFailed as error:
            form.add_service_errors(error.errors)
        except StaleWrite as error:
            messages.error(request, error.message)
            form.add_error(None, _("其他人刚修改了这家企业。您的修改没有保存；请打开最新版本后重新修改。"))
        else:
            messages.success(request, _("已保存"))
            return redirect("enterprise-detail", enterprise.pk)
    return _form_page(request, form, enterprise)


# --- import: upload → check (in the background) → confirm → write (in the background) ---------------


def _import_dir() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


# Uploads and their error files hold personal data: they are kept a day, for the check, the
# confirmation and the download of the bad rows, then removed.
UPLOAD_LIFETIME_SECONDS = 24 * 3600


def _sweep_old_uploads(directory: Path) -> None:
    cutoff = time.time() - UPLOAD_LIFETIME_SECONDS
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _job(request: HttpRequest, token: str) -> ImportJob:
    """The person's own import; another user's token is simply not found."""
    job = import_selectors.own_job(user=request_user(request), token=token, kind="enterprises")
    if job is None:
        raise Http404
    return job


@login_required
def enterprise_import(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not selectors.can_edit_enterprise(user):
        raise PermissionDenied()
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            form.add_error("file", _("只支持 .xlsx 或 .csv 文件（Excel 中“另存为”即可）"))
        elif upload.size > settings.ZHUQI_MAX_IMPORT_BYTES:
            form.add_error(
                "file", _("文件过大（上限 %(mb)s MB）") % {"mb": settings.ZHUQI_MAX_IMPORT_BYTES // 2**20}
            )
        else:
            _sweep_old_uploads(_import_dir())
            path = _import_dir() / f"{secrets.token_urlsafe(16)}{suffix}"
            with path.open("wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            try:
                if suffix == ".xlsx":
                    # Only the zip's directory: a bomb is refused now, before any worker reads it.
                    with path.open("rb") as stream:
                        check_xlsx_limits(stream)
            except ImportFileError as error:
                path.unlink(missing_ok=True)
                form.add_error("file", str(error))
            else:
                job = jobs.start(kind="enterprises", actor=user, path=path, name=upload.name)
                return redirect("enterprise-import-job", job.token)
    recent = import_selectors.recent_jobs(user=user, kind="enterprises")
    return render(
        request,
        "enterprises/import.html",
        {"form": form, "recent": recent, "max_rows": settings.ZHUQI_MAX_IMPORT_ROWS},
    )


@login_required
def enterprise_import_job(request: HttpRequest, token: str) -> HttpResponse:
    """The import's page: how far the check or the write has come (the status part polls while
    the worker runs), then the errors and the confirmation, then the result."""
    job = _job(request, token)
    template = "enterprises/import_job.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#status"
    return render(request, template, _job_context(job))


def _job_context(job: ImportJob) -> dict[str, Any]:
    return {
        "job": job,
        "errors": [{"row": row, "column": column, "message": message} for row, column, message in job.errors],
        "good_rows": job.rows_staged,
        "remaining": max(job.rows_staged - job.rows_applied, 0),
    }


@login_required
def enterprise_import_errors(request: HttpRequest, token: str) -> FileResponse:
    job = _job(request, token)
    error_file = Path(job.error_file) if job.error_file else None
    if error_file is None or not error_file.is_file():
        raise Http404
    name = Path(job.name).stem + ".errors" + error_file.suffix
    return FileResponse(error_file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def enterprise_import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    user = request_user(request)
    job = _job(request, token)
    try:
        form = ImportConfirmForm(request.POST)
        form.is_valid()
        jobs.confirm(job=job, actor=user, skip_invalid=form.cleaned_data["skip_invalid"])
    except ValidationFailed as error:
        messages.error(request, "；".join(e.message for e in error.errors))
    return redirect("enterprise-import-job", job.token)


@login_required
@require_POST
def enterprise_assign(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    user = request_user(request)
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    if not selectors.can_edit_enterprise(user):
        raise PermissionDenied()
    form = AssignmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择干部并填写正确的日期"))
        return redirect("enterprise-detail", enterprise.pk)
    official_id = form.cleaned_data["official"]
    if not assignable_officials(user=user).filter(pk=official_id).exists():
        messages.error(request, _("请选择干部"))
        return redirect("enterprise-detail", enterprise.pk)
    try:
        services.assignment_create(
            actor=user,
            enterprise_id=enterprise.pk,
            official_id=official_id,
            kind=form.cleaned_data["kind"],
            start_date=form.cleaned_data["start_date"],
            note=form.cleaned_data["note"],
        )
    except ValidationFailed as error:
        messages.error(request, "；".join(e.message for e in error.errors))
    else:
        messages.success(request, _("已安排包联"))
    return redirect("enterprise-detail", enterprise.pk)


@login_required
@require_POST
def assignment_end(request: HttpRequest, assignment_id: int) -> HttpResponse:
    user = request_user(request)
    try:
        assignment = services.assignment_end(actor=user, assignment_id=assignment_id)
    except ValidationFailed as error:
        messages.error(request, "；".join(e.message for e in error.errors))
        return redirect("enterprise-list")
    messages.success(request, _("包联已结束（截至 %(date)s）") % {"date": assignment.end_date})
    return redirect("enterprise-detail", assignment.enterprise_id)
