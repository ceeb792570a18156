"""Provides the handlers of `net uplink`, `net portgroup`, `net trunk`, `net teaming` and `vm nic`.

Each checks everything first (refusals name the host, uplink, port group or VLAN and what there
is instead) and returns the change; `faults` makes link changes and teams' detection follow.
A standard vSwitch is set on its host, and the trunk on the physical switch: none needs vCenter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim import checks, licensing, netpath
from vdc.sim.checks import Rejected
from vdc.sim.handler import Apply, Handlers
from vdc.sim.model import trunked_on
from vdc.sim.network import faults

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Host, Uplink, VSwitch


def _names(xs: list[str]) -> str:
    return ", ".join(xs) if xs else "none"


def _uplink(h: Host, name: str) -> Uplink:
    nic = h.nics.get(name)
    if nic is None:
        raise Rejected(f"{h.name} has no uplink '{name}' (it has {_names(list(h.nics))})")
    return nic


def _vswitch(h: Host, name: str) -> VSwitch:
    vs = next((v for v in h.vswitches if v.name == name), None)
    if vs is None:
        raise Rejected(f"{h.name} has no vSwitch '{name}' (it has {_names([v.name for v in h.vswitches])})")
    return vs


def _effect(sim: Simulation, h: Host) -> str:
    """What the change left cut on the host, in a few words."""
    cut = faults.cut_vms(sim, h)
    return f"; cut off now: {checks.vm_names([sim.inv.vms[n] for n in cut])}" if cut else ""


def _net_uplink(sim: Simulation, c: Command) -> Apply:
    h = checks.host(sim, c.text("host"))
    nic = _uplink(h, c.text("uplink"))
    up = c.text("state") == "up"
    if nic.flapping and up:
        raise Rejected(f"{h.name} {nic.name} is flapping (a failing cable or SFP): pull it with "
                       f"`net uplink {h.name} {nic.name} down` until it is replaced")
    if nic.link_up == up and not nic.flapping:
        raise Rejected(f"{h.name} {nic.name} is already {'up' if up else 'down'}")

    def apply() -> str:
        if nic.flapping:  # pulled: the port is down for good, the team stops failing back
            faults.stop_flapping(sim, h, nic)
            if not nic.link_up:
                vs = faults.vswitch_of(h, nic.name)
                return (f"{h.name} {nic.name} unplugged: it no longer flaps"
                        f"{f'; {vs.name} keeps it failed over' if vs else ''}")
        faults.set_link(sim, h, nic, up)
        if up:
            lost = "" if nic.upstream_ok else " (but the network beyond its switch port is still down)"
            return f"{h.name} {nic.name} plugged in: link up{lost}"
        vs = faults.vswitch_of(h, nic.name)
        team = f"; {vs.name} fails over within {faults.LINK_DETECT_S:g} s" if vs else ""
        return f"{h.name} {nic.name} unplugged: link down{team}"

    return apply


def _net_portgroup(sim: Simulation, c: Command) -> Apply:
    h = checks.host(sim, c.text("host"))
    name, vlan = c.text("portgroup"), c.integer("vlan")
    found = h.portgroup(name)
    if found is None:
        pgs = [p for vs in h.vswitches for p in vs.portgroups]
        raise Rejected(f"{h.name} has no port group '{name}' (it has {_names(pgs)})")
    vs, pg = found
    if pg.vlan == vlan:
        raise Rejected(f"port group {name} on {h.name} is already on VLAN {vlan}")
    if vlan == 4095:
        raise Rejected("VLAN 4095 (guest tagging) is not simulated; use a VLAN from 0 to 4094")

    def apply() -> str:
        old = pg.vlan
        pg.vlan = vlan
        pg.uplinks = trunked_on(h, vs.uplinks, vlan)
        sim.touch("network", h.name)
        carried = [u for u in vs.uplinks if h.nics[u].trunks(vlan)]
        trunk = (f"trunked on {', '.join(carried)}" if carried
                 else f"no uplink of {vs.name} trunks VLAN {vlan}")
        return f"port group {name} on {h.name}: VLAN {old} → {vlan}, {trunk}{_effect(sim, h)}"

    return apply


def _net_trunk(sim: Simulation, c: Command) -> Apply:
    h = checks.host(sim, c.text("host"))
    nic = _uplink(h, c.text("uplink"))
    vlan, add = c.integer("vlan"), c.text("action") == "add"
    if vlan == 4095:
        raise Rejected("VLAN 4095 is reserved; a trunk carries VLANs 0 to 4094")
    if nic.trunks(vlan) == add:
        state = "already allows" if add else "does not allow"
        raise Rejected(f"the switch port of {h.name} {nic.name} {state} VLAN {vlan}")

    def apply() -> str:
        if add:
            faults.allow(sim, h, vlan, nic.name)
            return f"VLAN {vlan} allowed on the switch port of {h.name} {nic.name}{_effect(sim, h)}"
        faults.prune(sim, h, vlan, [nic.name])
        return f"VLAN {vlan} removed from the switch port of {h.name} {nic.name}{_effect(sim, h)}"

    return apply


def _net_teaming(sim: Simulation, c: Command) -> Apply:
    h = checks.host(sim, c.text("host"))
    vs = _vswitch(h, c.text("vswitch"))
    policy = c.text("policy")
    active, standby = list(c.words("active")), list(c.words("standby"))
    detection = c.opt_text("detection") or vs.detection
    rate = c.opt_text("lacp_rate")
    for u in active + standby:
        if u not in vs.uplinks:
            raise Rejected(f"{u} is not an uplink of {vs.name} on {h.name} (its uplinks: {_names(vs.uplinks)})")
    both = [u for u in active if u in standby]
    if both:
        raise Rejected(f"{_names(both)} cannot be both active and standby")
    if len(set(active)) != len(active) or len(set(standby)) != len(standby):
        raise Rejected("an uplink is named twice")
    if standby and not active:
        active = [u for u in vs.uplinks if u not in standby]
    elif not active:
        active, standby = list(vs.active), list(vs.standby)
    if not active:
        raise Rejected(f"{vs.name} on {h.name} needs at least one active uplink")
    if policy == "ip-hash":
        if not vs.ether_channel:
            raise Rejected(
                f"ip-hash needs a static EtherChannel on the physical switch ports of {vs.name}'s "
                f"uplinks ({_names(vs.uplinks)}), and {h.name}'s switch has none: use port-id or mac-hash")
        if standby:
            raise Rejected(f"ip-hash sends on every uplink of the EtherChannel: {_names(standby)} cannot be standby")
        if detection == "beacon":
            raise Rejected("ip-hash does not work with beacon probing: use --detection link")
    if policy == "lacp":
        if not vs.distributed:
            raise Rejected(f"LACP exists only on a distributed switch, and {vs.name} on {h.name} is a "
                           "standard vSwitch: use ip-hash with a static EtherChannel, or port-id")
        refused = licensing.refusal(sim.edition, "vds")
        if refused:
            raise Rejected(refused)
        if standby:
            raise Rejected(f"a LACP group sends on every member: {_names(standby)} cannot be standby")
        if detection == "beacon":
            raise Rejected("a LACP group finds failed members by its LACPDUs: use --detection link")
    if rate is not None and policy != "lacp":
        raise Rejected(_no_lacp_rate(h, vs, policy))
    rate = rate or vs.lacp_rate
    if (policy, active, standby, detection, rate) == (
            vs.policy, vs.active, vs.standby, vs.detection, vs.lacp_rate):
        raise Rejected(f"{vs.name} on {h.name} already has these teaming settings")

    def apply() -> str:
        changed = (detection != vs.detection or (policy == "lacp") != (vs.policy == "lacp")
                   or rate != vs.lacp_rate)
        vs.policy, vs.active, vs.standby = policy, active, standby
        if rate != vs.lacp_rate:  # a member's removal pending at the old rate is void
            for u in vs.uplinks:
                h.nics[u].changes += 1
        vs.detection, vs.lacp_rate = detection, rate
        if changed:
            faults.detection_changed(sim, h, vs)
        sim.touch("network", h.name)
        team = len(active) + len(standby)
        shotgun = (f"; warning: beacon probing with {team} uplink{'s' if team != 1 else ''} cannot tell "
                   "which one failed (\"shotgun\" mode sends on all of them): use 3 or more"
                   if detection == "beacon" and team < faults.SHOTGUN_BELOW else "")
        spare = f", standby {', '.join(standby)}" if standby else ""
        how = (f"{rate} LACPDUs (a member out after {faults.LACP_MISSES * faults.LACPDU_S[rate]:g} s "
               "without them)" if policy == "lacp" else f"{detection} detection")
        return (f"{vs.name} on {h.name}: {policy}, active {', '.join(active)}{spare}, "
                f"{how}{shotgun}{_effect(sim, h)}")

    return apply


def _no_lacp_rate(h: Host, vs: VSwitch, policy: str) -> str:
    """Why `--lacp-rate` means nothing for this team."""
    if policy == "ip-hash":
        return ("--lacp-rate is for a LACP group; ip-hash uses a static EtherChannel, which sends "
                "no LACPDUs" + ("" if vs.distributed else
                                f" (and LACP needs a distributed switch; {vs.name} on {h.name} is a standard vSwitch)"))
    if not vs.distributed:
        return (f"--lacp-rate is for a LACP group on a distributed switch, and {vs.name} on {h.name} "
                "is a standard vSwitch")
    return f"--lacp-rate is for a LACP group: use policy lacp (not {policy})"


def _vm_nic(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    index, name = c.integer("index"), c.text("portgroup")
    n = len(vm.nics)
    if index > n:
        has = f"{n} network adapter{'s' if n != 1 else ''}" if n else "no network adapter"
        raise Rejected(f"{vm.name} has {has}; NIC {index} does not exist")
    h = sim.inv.hosts[vm.host]
    if h.portgroup(name) is None:
        pgs = [p for vs in h.vswitches for p in vs.portgroups]
        raise Rejected(f"{h.name}, where {vm.name} is, has no port group '{name}' (it has {_names(pgs)})")
    nic = vm.nics[index - 1]
    if nic.portgroup == name:
        raise Rejected(f"{vm.name}'s NIC {index} is already on {name}")

    def apply() -> str:
        old = nic.portgroup
        nic.portgroup = name
        sim.touch("network", vm.host)
        ordinal = list(sim.inv.vms).index(vm.name)
        path = netpath.nic_path(sim.inv, vm, index - 1, ordinal)
        how = (f"sends over {', '.join(path.uplinks)}" if path.reachable
               else "gets no traffic through from there")
        return f"{vm.name}'s NIC {index}: {old} → {name}; it {how}"

    return apply


HANDLERS: Handlers = {
    "net uplink": _net_uplink,
    "net portgroup vlan": _net_portgroup,
    "net trunk": _net_trunk,
    "net teaming policy": _net_teaming,
    "vm nic": _vm_nic,
}
