"""What the investment app adds to the chain pages (chains cannot import it): the columns of the
all-chains comparison (chains.figures) and the targets panel of a chain's page (core.panels)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from zhuqi.chains.figures import Column
from zhuqi.directory.models import User
from zhuqi.investment import target_selectors as selectors
from zhuqi.investment import target_services as services
from zhuqi.investment.models import TargetStatus


def _signed(user: User, chain_ids: Sequence[int]) -> dict[int, Decimal]:
    return selectors.investment_signed_this_year(user, chain_ids)


def _funds(user: User, chain_ids: Sequence[int]) -> dict[int, Decimal]:
    return selectors.funds_in_place_this_year(user, chain_ids)


def _open(user: User, chain_ids: Sequence[int]) -> dict[int, int]:
    return {chain_id: n["open"] for chain_id, n in selectors.target_counts(chain_ids).items()}


def _won(user: User, chain_ids: Sequence[int]) -> dict[int, int]:
    return {chain_id: n["won"] for chain_id, n in selectors.target_counts(chain_ids).items()}


COLUMNS = (
    Column(
        key="investment_signed_this_year",
        label=gettext_noop("本年签约投资额"),
        compute=_signed,
        kind="amount",
        unit="万元",
        definition=gettext_noop("本年签约、归入该产业链的合作协议金额之和（万元）"),
    ),
    Column(
        key="funds_in_place_this_year",
        label=gettext_noop("本年到位资金"),
        compute=_funds,
        kind="amount",
        unit="万元",
        definition=gettext_noop("归入该产业链的合作协议本年到位日期的到位资金之和（万元）"),
    ),
    Column(
        key="targets_open",
        label=gettext_noop("在谈招商目标"),
        compute=_open,
        definition=gettext_noop("已识别、已接洽、洽谈中的招商目标数（不含已签约、已落地、已放弃）"),
    ),
    Column(
        key="targets_signed",
        label=gettext_noop("已签约招商目标"),
        compute=_won,
        definition=gettext_noop("已签约和已落地的招商目标数"),
    ),
)


def chain_panel(user: User, chain: Any) -> dict[str, Any]:
    """The chain page's targets panel: the chain's targets by status, a link to its map."""
    counts = selectors.status_counts(user=user, chain=chain)
    return {
        "targets_panel": {
            "chain_id": chain.pk,
            "counts": [(status, label, counts[status]) for status, label in TargetStatus.choices],
            "may_keep": services.may_keep(user, chain),
        }
    }
