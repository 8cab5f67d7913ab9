"""Economic figures (GDP, growth rates …) through the services: one row per region, indicator and
period, corrected against its version; a peer region's figure entered for the region that compares
itself with it, and the rank the cockpit gives; a sheet's rows imported all or nothing, each bad
row named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhuqi.core.errors import PermissionDenied, StaleWrite, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.dispatch import cockpit, selectors, services
from zhuqi.dispatch.models import EconomicFigure
from zhuqi.dispatch.services import EconomicFigureData
from zhuqi.testing.factories import Cast

pytestmark = pytest.mark.django_db


def _errors(failure: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {error.field: error.message for error in failure.value.errors}


def _set(cast: Cast, **values: object) -> EconomicFigure:
    data = EconomicFigureData(region_code="150581", indicator="gdp_growth", period="2026-09")
    for name, value in values.items():
        setattr(data, name, value)
    return services.economic_figure_set(actor=cast.coordinator, data=data)


def _audits(figure: EconomicFigure) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(content_type__model="economicfigure", object_id=str(figure.pk)).order_by(
            "id"
        )
    )


def test_a_figure_is_entered_then_corrected_in_the_same_row_against_its_version(cast: Cast) -> None:
    figure = _set(cast, value="6.5", target="7%")
    assert (figure.value, figure.target, figure.version) == (Decimal("6.50"), Decimal("7.00"), 1)
    again = _set(cast, value=" 6.8 ", target="7")
    assert again.pk == figure.pk and again.version == 2
    assert again.value == Decimal("6.80")
    assert EconomicFigure.objects.count() == 1
    audits = _audits(figure)
    assert [e.action for e in audits] == [AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE]
    assert audits[1].changes["value"] == ["6.50", "6.80"]
    # The same values again change nothing and move no version.
    assert _set(cast, value="6.8", target="7").version == 2
    assert len(_audits(figure)) == 2
    with pytest.raises(StaleWrite):
        services.economic_figure_set(
            actor=cast.coordinator,
            data=EconomicFigureData(
                region_code="150581", indicator="gdp_growth", period="2026-09", value="9", target="7"
            ),
            expected_version=1,
        )
    assert EconomicFigure.objects.get().value == Decimal("6.80")


def test_bad_figures_are_refused_naming_each_field(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as failure:
        _set(cast, indicator="happiness", period="2026-W40", value="很多", target=None, note="注" * 201)
    assert set(_errors(failure)) == {"indicator", "period", "value", "note"}
    assert "月、季度或年度" in _errors(failure)["period"]
    with pytest.raises(ValidationFailed) as failure:
        _set(cast, value=None, target="")
    assert _errors(failure) == {"value": "请填写实际值或目标值"}
    with pytest.raises(ValidationFailed) as failure:
        _set(cast, region_code="140200", value="1")
    assert "不在您的管辖范围内" in _errors(failure)["region"]
    with pytest.raises(ValidationFailed) as failure:
        _set(cast, region_code="999999", value="1")
    assert _errors(failure) == {"region": "行政区划代码“999999”不存在"}
    with pytest.raises(ValidationFailed) as failure:
        _set(cast, value="1e20")
    assert set(_errors(failure)) == {"value"}
    assert not EconomicFigure.objects.exists()


def test_only_the_office_enters_figures_and_a_handler_reads_none(cast: Cast) -> None:
    _set(cast, value="6.5")
    for who in (cast.handler, cast.leader, cast.liaison, cast.enterprise_user):
        with pytest.raises(PermissionDenied):
            services.economic_figure_set(
                actor=who,
                data=EconomicFigureData(region_code="150581", indicator="gdp", period="2026", value="100"),
            )
    assert selectors.economic_queryset(user=cast.coordinator).count() == 1
    assert selectors.economic_queryset(user=cast.leader).count() == 1  # Tongliao, above
    for who in (cast.handler, cast.liaison, cast.enterprise_user, cast.outsider):
        assert not selectors.economic_queryset(user=who).exists(), who.username


def test_a_peer_figure_is_entered_for_the_region_that_compares_and_ranked_there(cast: Cast) -> None:
    _set(cast, value="6.5", target="7")
    # Two county-level peers entered for Huolinguole: Horqin (in Tongliao) and Xinrong (in Datong,
    # outside the jurisdiction).
    for code, value in (("150502", "8.1"), ("140212", "5.2")):
        services.economic_figure_set(
            actor=cast.coordinator,
            data=EconomicFigureData(
                region_code=code,
                indicator="gdp_growth",
                period="2026-09",
                value=value,
                compared_for_code="150581",
            ),
        )
    # A peer is entered only for a region of the actor's jurisdiction, and of the same level.
    for code, compared_for, field in (("150502", "140212", "compared_for"), ("140200", "150581", "region")):
        with pytest.raises(ValidationFailed) as failure:
            services.economic_figure_set(
                actor=cast.coordinator,
                data=EconomicFigureData(
                    region_code=code,
                    indicator="gdp_growth",
                    period="2026-09",
                    value="1",
                    compared_for_code=compared_for,
                ),
            )
        assert set(_errors(failure)) == {field}, (code, compared_for)
    # Datong's office compares the city with Tongliao: Datong's working data, not Tongliao's.
    services.economic_figure_set(
        actor=cast.outsider,
        data=EconomicFigureData(
            region_code="150500",
            indicator="gdp_growth",
            period="2026-09",
            value="6.5",
            compared_for_code="140200",
        ),
    )
    services.economic_figure_set(
        actor=cast.outsider,
        data=EconomicFigureData(region_code="140200", indicator="gdp_growth", period="2026-09", value="5"),
    )
    assert not selectors.economic_queryset(user=cast.leader).filter(compared_for_id="140200").exists()

    figures = cockpit.cockpit_figures(
        user=cast.coordinator,
        scope=cockpit.parse_scope(cast.coordinator, "region:150581"),
        period=cockpit.resolve_period("2026-09"),
    )
    (growth,) = figures["economy"]
    assert (growth["indicator"], growth["period"], growth["unit"]) == ("gdp_growth", "2026-09", "%")
    assert (growth["value"], growth["target"], growth["gap"]) == (
        Decimal("6.50"),
        Decimal("7.00"),
        Decimal("-0.50"),
    )
    assert (growth["rank"], growth["peers"]) == (2, 2)
    assert [(r["region"], r["own"]) for r in growth["peer_rows"]] == [
        ("科尔沁区", False),
        ("霍林郭勒市", True),
        ("新荣区", False),
    ]
    # Datong's own cockpit ranks against what it entered, not against Huolinguole's peers.
    seen = cockpit.cockpit_figures(
        user=cast.outsider,
        scope=cockpit.parse_scope(cast.outsider, ""),
        period=cockpit.resolve_period("2026-09"),
    )["economy"]
    assert [(r["rank"], r["peers"], r["value"]) for r in seen] == [(2, 1, Decimal("5.00"))]


def test_an_import_writes_every_row_or_none_naming_each_bad_row(cast: Cast) -> None:
    good = EconomicFigureData(
        region_code="150581", indicator="gdp", period="2026-Q3", value="123.45", target="130"
    )
    rows = [
        good,
        EconomicFigureData(region_code="150581", indicator="retail", period="2026-13", value="50"),
        EconomicFigureData(region_code="150581", indicator="gdp", period="2026-Q3", value="124"),
        EconomicFigureData(region_code="140200", indicator="revenue", period="2026", value="8"),
    ]
    with pytest.raises(ValidationFailed) as failure:
        services.economic_figures_import(actor=cast.coordinator, rows=rows)
    errors = _errors(failure)
    assert set(errors) == {"第3行.period", "第4行", "第5行.region"}
    assert errors["第4行"] == "与第2行重复"
    assert not EconomicFigure.objects.exists()
    with pytest.raises(ValidationFailed) as failure:
        services.economic_figures_import(actor=cast.coordinator, rows=[])
    assert _errors(failure) == {"file": "表中没有数据行"}

    written = services.economic_figures_import(
        actor=cast.coordinator,
        rows=[
            good,
            EconomicFigureData(region_code="150581", indicator="retail", period="2026-09", value="50"),
            EconomicFigureData(
                region_code="150502",
                indicator="gdp",
                period="2026-Q3",
                value="300",
                compared_for_code="150581",
            ),
        ],
    )
    assert len(written) == 3 and EconomicFigure.objects.count() == 3
    # A second import of the same row corrects it in place.
    (again,) = services.economic_figures_import(
        actor=cast.coordinator,
        rows=[EconomicFigureData(region_code="150581", indicator="gdp", period="2026-Q3", value="125")],
    )
    assert again.pk == written[0].pk and again.value == Decimal("125.00")
    assert EconomicFigure.objects.count() == 3
    with pytest.raises(PermissionDenied):
        services.economic_figures_import(actor=cast.handler, rows=[good])


def test_a_bulletins_period_is_read_and_a_peer_of_another_level_or_inside_refused(cast: Cast) -> None:
    for written, key in (("2026年9月", "2026-09"), ("2026年第三季度", "2026-Q3"), ("2026年", "2026")):
        assert _set(cast, value="6", period=written).period == key
    with pytest.raises(ValidationFailed) as failure:
        _set(cast, value="6", period="2026-W40")
    assert set(_errors(failure)) == {"period"}
    # A prefecture is no peer of a county, nor a county of the county's own prefecture.
    for peer in ("150500", "140200"):
        with pytest.raises(ValidationFailed) as failure:
            _set(cast, value="6", region_code=peer, compared_for_code="150581")
        assert set(_errors(failure)) == {"region"}, peer


def test_a_blank_cell_of_an_import_keeps_what_was_entered(cast: Cast) -> None:
    _set(cast, value="6.5", target="7")
    services.economic_figures_import(
        actor=cast.coordinator,
        rows=[
            EconomicFigureData(region_code="150581", indicator="gdp_growth", period="2026-09", value="6.9")
        ],
    )
    figure = EconomicFigure.objects.get()
    assert (figure.value, figure.target) == (Decimal("6.90"), Decimal("7.00"))
