"""Selection resolution (engine level, no backup run): organization, users with service flags, groups (members and
site), sites, teams, personal sites, and exclusions per service."""

from __future__ import annotations

from typing import Any

from vboshell.backup.selection import make_item, resolve


class _Job:
    def __init__(self, selected: list | None = None, excluded: list | None = None, entire: bool = False) -> None:
        self.selected_items = selected or []
        self.excluded_items = excluded or []
        self.entire_organization = entire


def _units(env: Any, job: _Job) -> set[tuple[str, str, str]]:
    g = env.ctx.get_variable("org").graph()
    res = resolve(job, g, env.org_id)
    return {(u.obj.kind, u.obj.external_id, u.service) for u in res.units}


def test_resolution(env: Any) -> None:
    t = env.sb.truth
    users = [u for u in t.users() if u["listedInGraph"]]
    alice, bob = users[0], users[1]
    everything = _units(env, _Job(entire=True))
    assert {s for _k, _i, s in everything} == {"Exchange", "ExchangeArchive", "OneDrive", "SharePoint", "Teams"}
    assert ("user", alice["id"], "Exchange") in everything
    assert sum(1 for k, _i, _s in everything if k == "team") == len(t.teams())
    only_mail = _units(env, _Job([make_item("User", id=alice["id"], name="A", Mailbox=True)]))
    assert only_mail == {("user", alice["id"], "Exchange")}
    all_services = _units(env, _Job([make_item("User", id=alice["id"], name="A")]))
    assert {s for *_x, s in all_services} == {"Exchange", "ExchangeArchive", "OneDrive"}
    excl = _units(env, _Job(entire=True, excluded=[make_item("User", id=bob["id"], name="B", OneDrive=True)]))
    assert ("user", bob["id"], "OneDrive") not in excl and ("user", bob["id"], "Exchange") in excl
    team_group = next(g for g in t.groups() if "Team" in g["resourceProvisioningOptions"])
    grp = _units(env, _Job([make_item("Group", id=team_group["id"], name="G", GroupSite=True, Mailbox=True)]))
    members = set(team_group["members"])
    assert {i for k, i, s in grp if k == "user" and s == "Exchange"} == members
    assert any(k == "site" and i == team_group["siteId"] for k, i, _s in grp)
    tm = _units(env, _Job([make_item("Team", id=team_group["id"], name="T")]))
    assert tm == {("team", team_group["id"], "Teams")}
    site = next(s for s in t.sites() if not s["groupId"])
    assert _units(env, _Job([make_item("Site", id=site["id"], name="S")])) == {("site", site["id"], "SharePoint")}
    personal = _units(env, _Job([make_item("PersonalSites", name="P")]))
    assert personal and {s for *_x, s in personal} == {"OneDrive"}


def test_lanes_keep_mailbox_and_sharepoint_units_side_by_side() -> None:
    """The runner's unit order: SharePoint-side units hold at most a third of the workers while mailbox units are
    waiting, and take all of them once no mailbox unit is left."""
    from vboshell.backup.runner import _Lanes
    from vboshell.backup.selection import EXCHANGE, ONEDRIVE, SHAREPOINT, WorkUnit
    from vboshell.repository import ObjectRef

    units = [WorkUnit(ObjectRef("user", f"u{i}", f"U{i}", "o"), svc) for i in range(6) for svc in (EXCHANGE, ONEDRIVE)]
    units.append(WorkUnit(ObjectRef("site", "s", "S", "o"), SHAREPOINT))
    lanes = _Lanes(units, workers=6)  # two workers for the SharePoint lane
    first = [lanes.next() for _ in range(6)]
    assert first[0].service == SHAREPOINT  # the site (larger than a OneDrive) starts first in its lane
    assert [u.service for u in first].count(ONEDRIVE) == 1
    assert [u.service for u in first].count(EXCHANGE) == 4
    lanes.finished(first[0])
    assert lanes.next().service == ONEDRIVE  # its lane is below its share again
    rest = []
    while (u := lanes.next()) is not None:  # mailbox units first, then every SharePoint-side unit
        rest.append(u.service)
    assert rest == [EXCHANGE, EXCHANGE, ONEDRIVE, ONEDRIVE, ONEDRIVE, ONEDRIVE]
    assert sum(1 for u in units if u.service == EXCHANGE) == 6


def test_malformed_listings_do_not_stop_resolution(fresh_env: Any) -> None:
    """Users, sites and teams listed with names of the wrong type (numbers where Graph gives strings) still resolve
    into units, named from whatever string field they have; nothing is raised."""
    env = fresh_env
    expected = _units(env, _Job(entire=True))
    env.sb.configure_faults(wrong_types_rate=1.0, only_paths=["/v1.0/users", "/sites", "/groups", "/teams"], seed=3)
    try:
        g = env.ctx.get_variable("org").graph()
        res = resolve(_Job(entire=True), g, env.org_id)
    finally:
        env.sb.reset_faults()
    assert env.sb.counters()["faults_by_kind"].get("wrong_type", 0) > 0
    assert not res.warnings, res.warnings
    assert {(u.obj.kind, u.obj.external_id, u.service) for u in res.units} >= \
        {x for x in expected if x[0] != "site"}  # a site whose isPersonalSite is garbled may be taken as personal
    assert all(isinstance(u.obj.name, str) for u in res.units)


def test_concurrency_follows_cpu_use(monkeypatch: Any) -> None:
    """More units start while the process has CPU to spare (units waiting on Graph) and fewer once it is the
    bottleneck, between the low and high bounds; a fixed count never moves."""
    from vboshell.backup import runner

    clock = {"wall": 100.0, "cpu": 10.0}
    monkeypatch.setattr(runner.time, "monotonic", lambda: clock["wall"])
    monkeypatch.setattr(runner.time, "process_time", lambda: clock["cpu"])
    c = runner._Concurrency(16, 48, 16)

    def tick(share: float) -> int:
        clock["wall"] += 0.5
        clock["cpu"] += 0.5 * share
        return c.update()

    assert [tick(0.3), tick(0.3), tick(0.3), tick(0.3), tick(0.3), tick(0.3)] == [16, 24, 32, 40, 48, 48]
    assert [tick(0.8), tick(1.0), tick(1.0)] == [48, 44, 40]
    assert [tick(1.0) for _ in range(10)][-1] == 16
    fixed = runner._Concurrency(6, 6, 6)
    assert [tick(0.1), tick(0.1), fixed.update()] == [16, 24, 6]


def test_concurrency_stays_low_while_requests_wait_for_the_budget(monkeypatch: Any) -> None:
    """A run whose requests wait for Graph's budget (a full backup held to SharePoint's resource units) gains
    nothing from more units, only memory: even with CPU to spare the count goes back towards the low bound; it grows
    again once nothing waits."""
    from vboshell.backup import runner

    clock = {"wall": 100.0, "cpu": 10.0, "waited": 0.0}
    monkeypatch.setattr(runner.time, "monotonic", lambda: clock["wall"])
    monkeypatch.setattr(runner.time, "process_time", lambda: clock["cpu"])
    c = runner._Concurrency(16, 48, 32, lambda: clock["waited"])

    def tick(share: float, waiting: float) -> int:
        clock["wall"] += 0.5
        clock["cpu"] += 0.5 * share
        clock["waited"] += 0.5 * waiting  # `waiting` requests on average held by the budget
        return c.update()

    assert [tick(0.4, 3.0), tick(0.4, 3.0), tick(0.4, 1.0)] == [28, 24, 20]
    assert [tick(0.4, 0.5), tick(0.4, 0.0), tick(0.4, 0.0), tick(0.4, 0.0)] == [20, 20, 28, 36]  # some waiting: holds
    assert [tick(0.4, 2.0) for _ in range(8)][-1] == 16
