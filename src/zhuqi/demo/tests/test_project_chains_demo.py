"""The demo's key projects in their chains: the names the lists wrote before the chains existed
linked once they do (demo.projects.link_chains, audited), one name left for a person."""

from __future__ import annotations

from zhuqi.core.models import AuditEntry
from zhuqi.demo import dataset
from zhuqi.projects.models import Project


def test_the_demo_projects_are_linked_to_their_chains(db) -> None:
    counts = dataset.load()
    foil = Project.objects.select_related("chain").get(name="联晟新材料高端铝箔项目")
    assert foil.chain is not None and (foil.chain.name, foil.chain.region_id) == ("铝产业链", "150581")
    solar = Project.objects.select_related("chain").get(name="金源阳光伏发电项目")
    assert solar.chain is not None and (solar.chain.name, solar.chain.region_id) == (
        "光伏装备产业链",
        "150000",
    )
    assert counts["projects_linked_to_chains"] >= 4
    assert AuditEntry.objects.filter(
        content_type__model="project", object_id=str(foil.pk), source="demo", changes__has_key="chain"
    ).exists()
    # 风电装备 names no chain of the demo: kept as written, listed for a person.
    stray = Project.objects.get(name__endswith="风电装备制造基地项目")
    assert (stray.chain_id, stray.chain_name) == (None, "风电装备")
