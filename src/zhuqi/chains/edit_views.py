"""The pages that keep a chain: the chain itself (new, edit, loaded from a template), its segment
tree, its members, its customer and supplier links, the chief's three lists and the yearly goals.
Thin: reads through the selectors, every change through a service; each form on a page posts to
its own view, and a refusal shows the page again with each message beside its field.

Only those the service lets keep the chain (the office of its region or above, its chief, its
lead department's staff) open these pages: anyone else who sees the chain gets 403 with the
reason, anyone who does not gets 404 (docs/visibility.md)."""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from zhuqi.chains import loading, selectors, services
from zhuqi.chains.forms import (
    ChainForm,
    GoalForm,
    ItemForm,
    LinkForm,
    LoadForm,
    MemberForm,
    SegmentForm,
)
from zhuqi.chains.models import (
    Chain,
    ChainGoal,
    ItemKind,
    ItemStatus,
    Link,
    Member,
    Role,
    Segment,
    SegmentKind,
)
from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import (
    FieldError,
    NotFound,
    PermissionDenied,
    ServiceError,
    StaleWrite,
    ValidationFailed,
)
from zhuqi.core.forms import Form
from zhuqi.core.listing import ListPaginator, exact_count_asked
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.validators import parse_id
from zhuqi.core.versioning import version_field
from zhuqi.directory.models import User

PER_PAGE = 50

KEEP_REFUSED = gettext_noop("只有本级营商办（专班）、链长和牵头部门可以维护这条产业链")
CREATE_REFUSED = gettext_noop("只有营商办（专班）和系统管理员可以新建产业链")


# ---------------------------------------------------------------------------------------------
# What every page shares


def _kept(request: HttpRequest, chain_id: int) -> tuple[User, Chain]:
    """The chain, once the reader may keep it: 404 out of scope, 403 with the reason in it."""
    user = request_user(request)
    chain = selectors.chain_get(user=user, chain_id=chain_id)
    if not services.may_keep(user, chain):
        raise PermissionDenied(_(KEEP_REFUSED))
    return user, chain


def chain_page(chain: Chain) -> str:
    """The chain chief's page (the read pages')."""
    return reverse("chains:chain-detail", args=[chain.pk])


def _context(chain: Chain, tab: str, **extra: Any) -> dict[str, Any]:
    return {"chain": chain, "tab": tab, "chain_page": chain_page(chain), **extra}


def _save(
    request: HttpRequest,
    form: Form,
    write: Callable[[], object],
    *,
    done: str,
    back: str,
    again: Callable[[Form], HttpResponse],
    fresh: Callable[[], Form] | None = None,
) -> HttpResponse:
    """Read `form` as posted, let `write` (a service) judge it; saved, back to `back` with `done`;
    refused, the page again (`again`) with each message beside its field and the whole on top. A
    stale write shows the shared message and the record as it now is (`fresh`), so the next
    change is made knowing the other one."""
    form.is_valid()  # every value as posted; the service judges them
    try:
        write()
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except StaleWrite as error:
        messages.error(request, error.message)
        return again(fresh() if fresh is not None else form)
    except ValidationFailed as error:
        form.add_service_errors(error.errors)
        messages.error(request, _("未保存：%(reason)s") % {"reason": form.error_text(error)})
        return again(form)
    except ServiceError as error:
        form.add_error(None, error.message)
        messages.error(request, error.message)
        return again(form)
    messages.success(request, done)
    return redirect(back)


def _remove(
    request: HttpRequest, write: Callable[[int | None], object], *, done: str, back: str
) -> HttpResponse:
    """A delete button's post (with the version its row showed): done or refused, back to the list
    with the message."""
    form = _VersionOnly(request.POST)
    form.is_valid()
    try:
        write(form.cleaned_data.get("version"))
    except (NotFound, PermissionDenied):
        raise
    except ValidationFailed as error:
        messages.error(request, "；".join(e.message for e in error.errors))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(back)


class _VersionOnly(Form):
    version = version_field()


def _editing(request: HttpRequest) -> int | None:
    return parse_id(request.GET.get("edit", ""))


@dataclass
class SegmentLine:
    segment: Segment
    level: int  # steps from the top of the tree (indentation), not the panorama's column
    members: int = 0
    output_value: Any = None
    gap_reason: str = ""
    children: list[SegmentLine] | None = None


def _segment_lines(chain: Chain) -> tuple[list[SegmentLine], list[SegmentLine]]:
    """The tree (nested, each with its members and output) and the same lines in tree order."""
    strengths = {s.segment.pk: s for s in selectors.segment_strengths(chain)}
    flat: list[SegmentLine] = []

    def walk(nodes: Iterable[selectors.SegmentNode], level: int) -> list[SegmentLine]:
        lines = []
        for node in nodes:
            strength = strengths.get(node.segment.pk)
            line = SegmentLine(
                node.segment,
                level,
                members=strength.members if strength else 0,
                output_value=strength.output_value if strength else None,
                gap_reason=strength.reason if strength else "",
            )
            flat.append(line)
            line.children = walk(node.children, level + 1)
            lines.append(line)
        return lines

    segments = [s.segment for s in strengths.values()]
    return walk(selectors.segment_tree(segments), 0), flat


def _segment_choices(flat: list[SegmentLine]) -> list[tuple[int, str]]:
    """The chain's segments for a select, indented as in the tree."""
    return [(line.segment.pk, "　" * line.level + line.segment.name) for line in flat]


# ---------------------------------------------------------------------------------------------
# The chain


@login_required
def chain_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not services.may_keep(user):
        raise PermissionDenied(_(CREATE_REFUSED))
    if request.method != "POST":
        return _chain_form_page(request, user, None, ChainForm(initial={"region": user.region_id or ""}))
    return _created(request, user, ChainForm(request.POST))


def _created(request: HttpRequest, user: User, form: ChainForm) -> HttpResponse:
    form.is_valid()
    try:
        chain = services.chain_create(actor=user, data=form.to_data(), source="web")
    except (NotFound, PermissionDenied):
        raise
    except ValidationFailed as error:
        form.add_service_errors(error.errors)
        messages.error(request, _("未保存：%(reason)s") % {"reason": form.error_text(error)})
        return _chain_form_page(request, user, None, form)
    except ServiceError as error:
        messages.error(request, error.message)
        return _chain_form_page(request, user, None, form)
    messages.success(request, _("产业链已建立，请添加它的环节"))
    return redirect("chain_edit:segments", chain_id=chain.pk)


@login_required
def chain_edit(request: HttpRequest, chain_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    if request.method != "POST":
        return _chain_form_page(request, user, chain, ChainForm(initial=ChainForm.initial_for(chain)))
    form = ChainForm(request.POST)

    def fresh() -> Form:
        return ChainForm(initial=ChainForm.initial_for(selectors.chain_get(user=user, chain_id=chain.pk)))

    return _save(
        request,
        form,
        lambda: services.chain_update(
            actor=user,
            chain_id=chain.pk,
            expected_version=form.cleaned_data.get("version"),
            data=form.to_data(),
            source="web",
        ),
        done=_("产业链信息已保存"),
        back=reverse("chain_edit:edit", args=[chain.pk]),
        again=lambda shown: _chain_form_page(request, user, chain, shown),
        fresh=fresh,
    )


def _chain_form_page(request: HttpRequest, user: User, chain: Chain | None, form: Form) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        # A chief or the lead department edits the chain's content, not where it is or who holds it.
        "may_govern": has_permission(user, Permission.KEEP_CHAINS),
    }
    if chain is None:
        return render(request, "chains/edit/chain_form.html", {"chain": None, **context})
    return render(request, "chains/edit/chain_form.html", _context(chain, "chain", **context))


# ---------------------------------------------------------------------------------------------
# Segments


@login_required
def segments(request: HttpRequest, chain_id: int) -> HttpResponse:
    """The tree, upstream to downstream, and the form to add a segment (or change one: ?edit=)."""
    user, chain = _kept(request, chain_id)
    if request.method != "POST":
        return _segments_page(request, chain, None)
    form = SegmentForm(request.POST)
    return _save(
        request,
        form,
        lambda: services.segment_create(actor=user, chain_id=chain.pk, data=form.to_data(), source="web"),
        done=_("环节已添加"),
        back=reverse("chain_edit:segments", args=[chain.pk]),
        again=lambda shown: _segments_page(request, chain, shown),
    )


@login_required
@require_POST
def segment_update(request: HttpRequest, chain_id: int, segment_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    segment = _one(Segment.objects.filter(chain=chain), segment_id)
    form = SegmentForm(request.POST)
    return _save(
        request,
        form,
        lambda: services.segment_update(
            actor=user,
            segment_id=segment.pk,
            expected_version=form.cleaned_data.get("version"),
            data=form.to_data(),
            source="web",
        ),
        done=_("环节已保存"),
        back=reverse("chain_edit:segments", args=[chain.pk]),
        again=lambda shown: _segments_page(request, chain, shown, segment),
        fresh=lambda: SegmentForm(
            initial=SegmentForm.initial_for(_one(Segment.objects.filter(chain=chain), segment.pk))
        ),
    )


@login_required
@require_POST
def segment_delete(request: HttpRequest, chain_id: int, segment_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    segment = _one(Segment.objects.filter(chain=chain), segment_id)
    return _remove(
        request,
        lambda version: services.segment_delete(
            actor=user, segment_id=segment.pk, expected_version=version, source="web"
        ),
        done=_("已删除环节“%(name)s”") % {"name": segment.name},
        back=reverse("chain_edit:segments", args=[chain.pk]),
    )


def _one(queryset: QuerySet[Any], pk: int) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def _segments_page(
    request: HttpRequest, chain: Chain, form: Form | None, editing: Segment | None = None
) -> HttpResponse:
    tree, flat = _segment_lines(chain)
    if editing is None and form is None and (pk := _editing(request)):
        editing = next((line.segment for line in flat if line.segment.pk == pk), None)
    if form is None:
        form = SegmentForm(initial=SegmentForm.initial_for(editing)) if editing else SegmentForm()
    return render(
        request,
        "chains/edit/segments.html",
        _context(
            chain,
            "segments",
            tree=tree,
            count=len(flat),
            form=form,
            editing=editing,
            parents=[c for c in _segment_choices(flat) if editing is None or c[0] != editing.pk],
            kinds=SegmentKind.choices,
            max_segments=services.MAX_SEGMENTS,
        ),
    )


# ---------------------------------------------------------------------------------------------
# Members


@login_required
def members(request: HttpRequest, chain_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    if request.method != "POST":
        return _members_page(request, user, chain, None)
    form = MemberForm(request.POST)
    return _save(
        request,
        form,
        lambda: services.member_add(actor=user, chain_id=chain.pk, data=form.to_data(), source="web"),
        done=_("企业已加入产业链"),
        back=reverse("chain_edit:members", args=[chain.pk]),
        again=lambda shown: _members_page(request, user, chain, shown),
    )


@login_required
@require_POST
def member_update(request: HttpRequest, chain_id: int, member_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    member = _one(selectors.member_queryset(user=user, chain=chain), member_id)
    form = MemberForm(request.POST)
    return _save(
        request,
        form,
        lambda: services.member_update(
            actor=user,
            member_id=member.pk,
            expected_version=form.cleaned_data.get("version"),
            data=form.to_data(),
            source="web",
        ),
        done=_("%(name)s：已保存") % {"name": member.enterprise.name},
        back=reverse("chain_edit:members", args=[chain.pk]),
        again=lambda shown: _members_page(request, user, chain, shown, member),
        fresh=lambda: MemberForm(
            initial=MemberForm.initial_for(_one(selectors.member_queryset(user=user, chain=chain), member.pk))
        ),
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, chain_id: int, member_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    member = _one(selectors.member_queryset(user=user, chain=chain), member_id)
    return _remove(
        request,
        lambda version: services.member_remove(
            actor=user, member_id=member.pk, expected_version=version, source="web"
        ),
        done=_("已将%(name)s移出“%(segment)s”")
        % {"name": member.enterprise.name, "segment": member.segment.name},
        back=reverse("chain_edit:members", args=[chain.pk]),
    )


def _members_page(
    request: HttpRequest, user: User, chain: Chain, form: Form | None, editing: Member | None = None
) -> HttpResponse:
    _tree, flat = _segment_lines(chain)
    scoped = selectors.member_queryset(user=user, chain=chain)
    if editing is None and form is None and (pk := _editing(request)):
        editing = scoped.filter(pk=pk).first()
    if form is None:
        form = MemberForm(initial=MemberForm.initial_for(editing)) if editing else MemberForm()
    shown = scoped
    segment_filter = parse_id(request.GET.get("segment", ""))
    if segment_filter:
        shown = shown.filter(segment_id=segment_filter)
    # In the tree's order, each segment's members by output, the largest first.
    order = Case(
        *[When(segment_id=line.segment.pk, then=Value(index)) for index, line in enumerate(flat)],
        default=Value(len(flat)),
        output_field=IntegerField(),
    )
    rows = shown.annotate(tree_order=order).order_by("tree_order", "-output_value", "pk")
    page = ListPaginator(rows, PER_PAGE, counted=shown.order_by(), exact=exact_count_asked(request))
    members_shown = page.get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "edit", "count"):
        query.pop(name, None)
    return render(
        request,
        "chains/edit/members.html",
        _context(
            chain,
            "members",
            page=members_shown,
            rows=_member_rows(members_shown.object_list),
            querystring_base=query.urlencode() + "&" if query else "",
            segment_filter=segment_filter,
            form=form,
            editing=editing,
            segments=_segment_choices(flat),
            roles=Role.choices,
            this_year=timezone.localdate().year,
        ),
    )


@dataclass
class MemberRow:
    member: Member
    new_segment: bool  # the first row of its segment on this page: the segment's heading


def _member_rows(members: Iterable[Member]) -> list[MemberRow]:
    rows, last = [], None
    for member in members:
        rows.append(MemberRow(member, member.segment_id != last))
        last = member.segment_id
    return rows


# ---------------------------------------------------------------------------------------------
# Customer and supplier links (关联客户库)


@login_required
def links(request: HttpRequest, chain_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    if request.method != "POST":
        return _links_page(request, user, chain, None)
    form = LinkForm(request.POST)
    return _save(
        request,
        form,
        lambda: services.link_add(actor=user, chain_id=chain.pk, data=form.to_data(), source="web"),
        done=_("关联客户已添加"),
        back=reverse("chain_edit:links", args=[chain.pk]),
        again=lambda shown: _links_page(request, user, chain, shown),
    )


@login_required
@require_POST
def link_update(request: HttpRequest, chain_id: int, link_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    link = _one(selectors.link_queryset(user=user, chain=chain), link_id)
    form = LinkForm(request.POST)
    return _save(
        request,
        form,
        lambda: services.link_update(
            actor=user,
            link_id=link.pk,
            expected_version=form.cleaned_data.get("version"),
            data=form.to_data(),
            source="web",
        ),
        done=_("关联客户已保存"),
        back=reverse("chain_edit:links", args=[chain.pk]),
        again=lambda shown: _links_page(request, user, chain, shown, link),
        fresh=lambda: LinkForm(
            initial=LinkForm.initial_for(_one(selectors.link_queryset(user=user, chain=chain), link.pk))
        ),
    )


@login_required
@require_POST
def link_remove(request: HttpRequest, chain_id: int, link_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    link = _one(selectors.link_queryset(user=user, chain=chain), link_id)
    return _remove(
        request,
        lambda version: services.link_remove(
            actor=user, link_id=link.pk, expected_version=version, source="web"
        ),
        done=_("已删除关联：%(link)s") % {"link": f"{link.supplier_name} → {link.customer_name}"},
        back=reverse("chain_edit:links", args=[chain.pk]),
    )


def _links_page(
    request: HttpRequest, user: User, chain: Chain, form: Form | None, editing: Link | None = None
) -> HttpResponse:
    scoped = selectors.link_queryset(user=user, chain=chain)
    if editing is None and form is None and (pk := _editing(request)):
        editing = scoped.filter(pk=pk).first()
    if form is None:
        form = LinkForm(initial=LinkForm.initial_for(editing)) if editing else LinkForm()
    page = ListPaginator(
        scoped.order_by("supplier_name", "customer_name", "pk"),
        PER_PAGE,
        counted=scoped.order_by(),
        exact=exact_count_asked(request),
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "edit", "count"):
        query.pop(name, None)
    return render(
        request,
        "chains/edit/links.html",
        _context(
            chain,
            "links",
            page=page,
            querystring_base=query.urlencode() + "&" if query else "",
            form=form,
            editing=editing,
        ),
    )


# ---------------------------------------------------------------------------------------------
# The chief's lists: 锻长板, 补短板, 关键产品技术攻关


@login_required
def items(request: HttpRequest, chain_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    if request.method != "POST":
        return _items_page(request, user, chain, None)
    form = ItemForm(request.POST)
    return _save(
        request,
        form,
        lambda: services.item_create(actor=user, chain_id=chain.pk, data=form.to_data(), source="web"),
        done=_("清单事项已添加"),
        back=reverse("chain_edit:items", args=[chain.pk]) + f"#{request.POST.get('kind', '')}",
        again=lambda shown: _items_page(request, user, chain, shown),
    )


@login_required
@require_POST
def item_update(request: HttpRequest, chain_id: int, item_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    item = _one(selectors.item_queryset(user=user, chain=chain), item_id)
    form = ItemForm(request.POST)
    return _save(
        request,
        form,
        lambda: services.item_update(
            actor=user,
            item_id=item.pk,
            expected_version=form.cleaned_data.get("version"),
            data=form.to_data(),
            source="web",
        ),
        done=_("清单事项已保存"),
        back=reverse("chain_edit:items", args=[chain.pk]) + f"#{item.kind}",
        again=lambda shown: _items_page(request, user, chain, shown, item),
        fresh=lambda: ItemForm(
            initial=ItemForm.initial_for(_one(selectors.item_queryset(user=user, chain=chain), item.pk))
        ),
    )


@login_required
@require_POST
def item_delete(request: HttpRequest, chain_id: int, item_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    item = _one(selectors.item_queryset(user=user, chain=chain), item_id)
    return _remove(
        request,
        lambda version: services.item_delete(
            actor=user, item_id=item.pk, expected_version=version, source="web"
        ),
        done=_("已删除清单事项“%(title)s”") % {"title": item.title},
        back=reverse("chain_edit:items", args=[chain.pk]) + f"#{item.kind}",
    )


def _items_page(
    request: HttpRequest, user: User, chain: Chain, form: Form | None, editing: Any = None
) -> HttpResponse:
    scoped = selectors.item_queryset(user=user, chain=chain)
    if editing is None and form is None and (pk := _editing(request)):
        editing = scoped.filter(pk=pk).first()
    if form is None:
        if editing is not None:
            form = ItemForm(initial=ItemForm.initial_for(editing))
        else:
            kind = request.GET.get("kind", "")
            form = ItemForm(initial={"kind": kind if kind in ItemKind.values else ItemKind.STRENGTH})
    by_kind: dict[str, list[Any]] = {kind: [] for kind in ItemKind.values}
    for item in scoped.order_by("kind", "position", "pk"):
        by_kind[item.kind].append(item)
    _tree, flat = _segment_lines(chain)
    return render(
        request,
        "chains/edit/items.html",
        _context(
            chain,
            "items",
            lists=[(value, label, by_kind[value]) for value, label in ItemKind.choices],
            form=form,
            editing=editing,
            kinds=ItemKind.choices,
            statuses=ItemStatus.choices,
            segments=_segment_choices(flat),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Yearly goals


@login_required
def goals(request: HttpRequest, chain_id: int) -> HttpResponse:
    user, chain = _kept(request, chain_id)
    if request.method != "POST":
        return _goals_page(request, user, chain, None)
    form = GoalForm(request.POST)
    form.is_valid()
    year: int | None = form.cleaned_data.get("year")
    if form.cleaned_data.get("version") is None and year and chain.goals.filter(year=year).exists():
        # Setting a year that is already set, from the blank form: say so rather than "version".
        form.add_error("year", _("%(year)s 年的目标已经设定，请在上表中点“修改”") % {"year": year})
        messages.error(request, _("未保存：%(year)s 年的目标已经设定") % {"year": year})
        return _goals_page(request, user, chain, form)

    def fresh() -> Form:
        goal = chain.goals.filter(year=year or 0).first()
        return GoalForm(initial=GoalForm.initial_for(goal)) if goal else GoalForm()

    return _save(
        request,
        form,
        lambda: services.goal_set(
            actor=user,
            chain_id=chain.pk,
            year=form.cleaned_data["year"],
            values=form.values(),
            expected_version=form.cleaned_data.get("version"),
            source="web",
        ),
        done=_("%(year)s 年目标已保存") % {"year": year or ""},
        back=reverse("chain_edit:goals", args=[chain.pk]),
        again=lambda shown: _goals_page(request, user, chain, shown),
        fresh=fresh,
    )


def _goals_page(request: HttpRequest, user: User, chain: Chain, form: Form | None) -> HttpResponse:
    rows = list(selectors.goal_queryset(user=user, chain=chain).order_by("-year"))
    editing: ChainGoal | None = None
    if form is None:
        year = parse_id(request.GET.get("year", ""))
        editing = next((goal for goal in rows if goal.year == year), None)
        if editing is not None:
            form = GoalForm(initial=GoalForm.initial_for(editing))
        else:
            taken = {goal.year for goal in rows}
            suggested = timezone.localdate().year
            while suggested in taken:
                suggested += 1
            form = GoalForm(initial={"year": suggested})
    else:
        # A refused or stale change of a year already set keeps that year's form.
        source = form.data if form.is_bound else form.initial
        if source.get("version") not in (None, ""):
            editing = next((goal for goal in rows if str(goal.year) == str(source.get("year"))), None)
    return render(
        request,
        "chains/edit/goals.html",
        _context(chain, "goals", goals=rows, form=form, editing=editing),
    )


# ---------------------------------------------------------------------------------------------
# A chain from a template


@dataclass
class _Upload:
    filename: str
    content: bytes


def _upload(form: LoadForm) -> _Upload:
    """The template: the file just chosen, else the one previewed (carried in the page). Its type
    and content are the loader's to judge; only its size is bounded here, before it is read."""
    upload = form.cleaned_data.get("file")
    if upload is not None:
        name = PurePath(upload.name or "").name
        if (upload.size or 0) > loading.MAX_TEMPLATE_BYTES:
            raise ValidationFailed(
                [
                    FieldError(
                        "file",
                        _("“%(name)s”超过 %(size)s KB，不是产业链模板")
                        % {"name": name, "size": f"{loading.MAX_TEMPLATE_BYTES // 1024:,}"},
                    )
                ]
            )
        return _Upload(name, upload.read())
    shipped = form.cleaned_data.get("shipped") or ""
    if shipped:
        path = dict(shipped_templates()).get(shipped)
        if path is not None:
            return _Upload(path.name, path.read_bytes())
    carried = form.cleaned_data.get("content") or ""
    if carried and len(carried) <= 2 * loading.MAX_TEMPLATE_BYTES:
        try:
            content = base64.b64decode(carried, validate=True)
        except (binascii.Error, ValueError):
            content = b""
        if content:
            return _Upload(PurePath(form.cleaned_data.get("filename") or "").name, content)
    raise ValidationFailed([FieldError("file", _("请选择模板文件（.yaml、.yml 或 .xlsx）"))])


@functools.cache
def _shipped() -> tuple[tuple[str, str, Path], ...]:
    """The templates zhuqi ships: (file stem, chain name, path), read once per process."""
    found = []
    for path in loading.shipped_templates():
        try:
            name = loading.read_template(path.name, path.read_bytes()).name
        except ValidationFailed:  # pragma: no cover - the shipped templates are tested
            continue
        found.append((path.stem, name, path))
    return tuple(sorted(found, key=lambda entry: entry[1]))


def shipped_templates() -> list[tuple[str, Path]]:
    return [(stem, path) for stem, _name, path in _shipped()]


@login_required
def load_workbook(request: HttpRequest) -> HttpResponse:
    """The empty workbook a clerk fills to describe a chain."""
    user = request_user(request)
    if not services.may_keep(user):
        raise PermissionDenied(_(CREATE_REFUSED))
    return office_file(loading.template_workbook(), "产业链模板.xlsx")


def _place(template: services.ChainTemplate, path: str) -> str:
    """A template error's path ("segments[2].children[0].name") as the segment it names."""
    node: Any = None
    nodes = template.segments
    for part in path.split("."):
        if "[" not in part:
            break
        name, _sep, index = part.partition("[")
        position = parse_id(index.rstrip("]"))
        if name not in ("segments", "children") or position is None:
            break
        if node is not None:
            nodes = node.children
        if position >= len(nodes):
            break
        node = nodes[position]
    return _("模板中的环节“%(name)s”") % {"name": node.name} if node is not None else _("模板文件")


@login_required
def chain_load(request: HttpRequest) -> HttpResponse:
    """Upload a template, see its tree, then create the chain and its segments from it."""
    user = request_user(request)
    if not services.may_keep(user):
        raise PermissionDenied(_(CREATE_REFUSED))
    if request.method != "POST":
        form = LoadForm(initial={"region": user.region_id or ""})
        return _load_page(request, form, None, None)
    form = LoadForm(request.POST, request.FILES)
    form.is_valid()
    template: services.ChainTemplate | None = None
    upload: _Upload | None = None
    try:
        upload = _upload(form)
        template = loading.read_template(upload.filename, upload.content)
        if request.POST.get("action") != "create":
            return _load_page(request, form, template, upload)
        data = form.cleaned_data
        chain = services.chain_load(
            actor=user,
            template=template,
            region_code=data["region"],
            chief_id=data["chief"],
            chief_title=data["chief_title"],
            lead_department_id=data["lead_department"],
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise
    except ValidationFailed as error:
        errors = error.errors
        if template is not None:
            # The loader's path names a segment of the template: say which.
            errors = [
                FieldError(e.field, f"{_place(template, e.field)}：{e.message}")
                if e.field.startswith("segments")
                else e
                for e in errors
            ]
        form.add_service_errors(errors)
        messages.error(request, _("未建立：%(reason)s") % {"reason": "；".join(e.message for e in errors)})
        return _load_page(request, form, template, upload)
    except ServiceError as error:
        messages.error(request, error.message)
        return _load_page(request, form, template, upload)
    messages.success(
        request,
        _("已按模板建立“%(name)s”，共 %(count)s 个环节")
        % {"name": chain.name, "count": chain.segments.count()},
    )
    return redirect("chain_edit:segments", chain_id=chain.pk)


def _count(nodes: list[services.SegmentTemplate]) -> int:
    return sum(1 + _count(node.children) for node in nodes)


def _load_page(
    request: HttpRequest, form: LoadForm, template: services.ChainTemplate | None, upload: _Upload | None
) -> HttpResponse:
    return render(
        request,
        "chains/edit/load.html",
        {
            "form": form,
            "template": template,
            "segment_count": _count(template.segments) if template else 0,
            "carried": base64.b64encode(upload.content).decode() if upload and template else "",
            "carried_name": upload.filename if upload and template else "",
            "supporting": SegmentKind.SUPPORTING,
            "shipped": [(stem, name) for stem, name, _path in _shipped()],
        },
    )
