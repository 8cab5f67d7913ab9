"""The common-problem page's split actions (共性问题拆分): take a case out of its group, undo it.
Each posts to its own view and comes back to the page it was posted from."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhuqi.cases import services
from zhuqi.cases.forms import GroupingSplitForm, GroupingSplitUndoForm
from zhuqi.core.auth import request_user
from zhuqi.core.errors import NotFound, PermissionDenied, ServiceError


def _back(request: HttpRequest, target: str) -> HttpResponse:
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("common-problem-list")
    return redirect(target)


@login_required
@require_POST
def common_problem_split(request: HttpRequest) -> HttpResponse:
    form = GroupingSplitForm(request.POST)
    form.is_valid()  # every field is read as posted; the service judges them
    data = form.cleaned_data
    try:
        split = services.grouping_split(
            actor=request_user(request),
            case_id=data["case"],
            other_ids=data["others"],
            label=data["label"],
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as error:
        messages.error(request, _("未拆出：%(reason)s") % {"reason": form.error_text(error)})
    else:
        messages.success(
            request,
            _("已将 #%(case)s 拆出该共性问题，今后不再与这 %(count)s 件诉求归为一组")
            % {"case": split.case_id, "count": f"{split.others.count():,}"},
        )
    return _back(request, data["next"])


@login_required
@require_POST
def common_problem_split_undo(request: HttpRequest) -> HttpResponse:
    form = GroupingSplitUndoForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    services.grouping_split_undo(actor=request_user(request), split_id=data["split"], source="web")
    messages.success(request, _("已撤销拆分，该诉求可再按内容归组"))
    return _back(request, data["next"])
