"""What chains adds to other apps' pages (registered in apps.py): the enterprise page's chains."""

from __future__ import annotations

from typing import Any

from zhuqi.chains import selectors
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Enterprise


def enterprise_chains(user: User, enterprise: Enterprise) -> dict[str, Any]:
    """The chains the enterprise is in that the reader sees, with its segment and role in each."""
    return {
        "chain_memberships": list(selectors.enterprise_memberships(user=user, enterprise_id=enterprise.pk))
    }
