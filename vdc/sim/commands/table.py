"""Provides the table of every command: its pattern, help, example and availability.

Verbs of later versions are already reserved here (`available=False`), so they plug in
without grammar changes. `check_table` fails at import if two patterns could be confused.
"""

from __future__ import annotations

from collections.abc import Sequence

from vdc.sim.commands.grammar import CommandSpec

LATER = "(coming in a later version)"

COMMANDS: tuple[CommandSpec, ...] = (
    # ------------------------------------------------------------------ available now
    CommandSpec(
        "power on {vm:vm} [{host:host}]",
        "Power a VM on, on its own host or on a host you name (it moves there while off).",
        "power on app-02",
    ),
    CommandSpec(
        "power off {vm:vm}",
        "Cut a VM's power at once, like pulling the plug.",
        "power off web-01",
    ),
    CommandSpec(
        "power reset {vm:vm}",
        "Hard-reset a running VM: it reboots and is back after its boot time.",
        "power reset db-01",
    ),
    CommandSpec(
        "vm set {vm:vm} cpu {count:int}",
        "Give a VM a new number of vCPUs (to add them while it runs it needs hot add).",
        "vm set app-01 cpu 4",
        limits=(("count", 1, 128),),
    ),
    CommandSpec(
        "vm set {vm:vm} mem {gib:gib}",
        "Give a VM a new amount of memory in GiB (to add it while it runs it needs hot add).",
        "vm set app-01 mem 16",
    ),
    CommandSpec(
        "vm reserve {vm:vm} cpu {mhz:int}",
        "Reserve MHz of CPU for a VM: served before other VMs' demand, within what its host has "
        "not promised to others (0 removes it).",
        "vm reserve db-01 cpu 4000",
        limits=(("mhz", 0, 1_000_000),),
    ),
    CommandSpec(
        "vm reserve {vm:vm} mem {gib:gib}",
        "Reserve GiB of a VM's memory: never reclaimed, within what its host has not promised "
        "to others (0 removes it).",
        "vm reserve db-01 mem 16",
    ),
    CommandSpec(
        "vm policy {vm:vm} ftt {ftt:int} [{raid:raid1|raid5|raid6}]",
        "Give a VM's data on vSAN a storage policy: failures to tolerate and RAID level "
        "(raid1 copies, raid5/raid6 parity); its copies resync to the new layout.",
        "vm policy db-01 ftt 2 raid6",
        limits=(("ftt", 0, 3),),
    ),
    CommandSpec(
        "tools install {vm:vm}",
        "Install VMware Tools in a running VM's guest (balloon driver, quiesce, paravirtual "
        "drivers); they start after the guest reboots.",
        "tools install web-01",
    ),
    CommandSpec(
        "vm adapter {vm:vm} {device:nic|disk} {number:int}"
        " {type:e1000|vmxnet3|virtio|lsi|pvscsi|ide}",
        "Change a powered-off VM's network adapter or disk controller (1 is the first): "
        "emulated ones cost host CPU, paravirtual ones need Tools.",
        "vm adapter web-01 nic 1 vmxnet3",
        limits=(("number", 1, 16),),
    ),
    CommandSpec(
        "vm create {name:word} {host:host} {datastore:datastore} cpu {vcpus:int} mem {memory:gib}"
        " disk {disk:gib} [{portgroup:word}]",
        "Create a powered-off VM with one disk and, given a port group, one NIC; it has no "
        "guest OS until you install one (os install).",
        "vm create web-03 esx-01 ds-1 cpu 2 mem 4 disk 40 prod",
        limits=(("vcpus", 1, 128),),
    ),
    CommandSpec(
        "vm delete {vm:vm}",
        "Delete a powered-off VM and free its disks.",
        "vm delete web-03",
    ),
    CommandSpec(
        "vm service {vm:vm} {service:word} {tier:word}",
        "Make a VM a member of a service's tier (a new VM takes on the tier's workload); the tier "
        "none takes it out of every tier of the service.",
        "vm service web-03 shop web",
    ),
    CommandSpec(
        "task cancel {task:word}",
        "Cancel a queued or running task: a vMotion, Storage vMotion, maintenance entry or Tools "
        "install (by its number, or by its VM or host).",
        "task cancel 4",
    ),
    CommandSpec(
        "host power on {host:host}",
        "Power a host on; it can run VMs once it has booted.",
        "host power on esx-03",
    ),
    CommandSpec(
        "host power off {host:host}",
        "Power off a host that runs no VMs (power them off or move them first).",
        "host power off esx-03",
    ),
    CommandSpec(
        "help [{command:word...}]",
        "List the commands, or show how to use one.",
        "help vm set",
        meta=True,
    ),
    # ------------------------------------------------------------------ reserved for later
    CommandSpec(
        "vmotion {vm:vm} {host:host} [{datastore:datastore}]",
        "Move a running VM to another host without stopping it; name a datastore to move its "
        "disks there too, over the vMotion network (for a host that does not see its storage).",
        "vmotion web-01 esx-02",
    ),
    CommandSpec(
        "svmotion {vm:vm} {datastore:datastore}",
        "Move a VM's disks to another datastore while it keeps running.",
        "svmotion db-01 ds-gold",
    ),
    CommandSpec(
        "snapshot create {vm:vm} {snap:word} [--memory] [--quiesce]",
        "Take a snapshot of a VM, optionally with its memory or with the guest's disks quiesced.",
        "snapshot create db-01 pre-patch --memory",
    ),
    CommandSpec(
        "snapshot revert {vm:vm} {snap:word}",
        "Return a VM to one of its snapshots, losing what changed since.",
        "snapshot revert db-01 pre-patch",
    ),
    CommandSpec(
        "snapshot delete {vm:vm} [{snap:word}] [--all]",
        "Delete a snapshot (or --all of them), merging its changes into the disk below it.",
        "snapshot delete db-01 pre-patch",
    ),
    CommandSpec(
        "snapshot list {vm:vm}",
        "Show a VM's snapshots: the chain, sizes and ages.",
        "snapshot list db-01",
        meta=True,
    ),
    CommandSpec(
        "maintenance enter {host:host}"
        " [--vsan={ensure-accessibility|full-evacuation|no-data-migration}] [--evacuate-powered-off]",
        "Put a host into maintenance mode once its running VMs have moved off (on vSAN, --vsan "
        "says what happens to its data: ensure-accessibility by default).",
        "maintenance enter esx-03 --vsan full-evacuation",
    ),
    CommandSpec(
        "maintenance exit {host:host}",
        "Take a host out of maintenance mode so it can run VMs again.",
        "maintenance exit esx-03",
    ),
    CommandSpec(
        "host reboot {host:host}",
        "Reboot a host that runs no VMs; it is gone until it has booted.",
        "host reboot esx-03",
    ),
    CommandSpec(
        "ha enable {cluster:cluster}",
        "Turn on HA, which restarts the VMs of a failed host on the other hosts.",
        "ha enable prod",
    ),
    CommandSpec(
        "ha disable {cluster:cluster}",
        "Turn off HA for a cluster.",
        "ha disable prod",
    ),
    CommandSpec(
        "ha admission {cluster:cluster} {policy:disabled|slots|percent|failover-hosts}"
        " [{values:word...}]",
        "Choose how HA keeps spare capacity for failures (a host count, CPU and memory "
        "percentages, or host names).",
        "ha admission prod percent 25 25",
    ),
    CommandSpec(
        "ha priority {vm:vm} {priority:disabled|lowest|low|medium|high|highest}",
        "Set how early HA restarts a VM after a failure.",
        "ha priority db-01 high",
    ),
    CommandSpec(
        "ha isolation {cluster:cluster} {response:none|power-off|shutdown}",
        "Choose what a host cut off from the network does with its VMs.",
        "ha isolation prod shutdown",
    ),
    CommandSpec(
        "ha monitoring {cluster:cluster} {state:on|off}",
        "Turn HA VM monitoring on or off: HA resets a VM whose Tools heartbeats stop for 30 s "
        "(a hung guest; VMs without Tools send none).",
        "ha monitoring prod on",
    ),
    CommandSpec(
        "drs enable {cluster:cluster}",
        "Turn on DRS, which balances load by moving VMs between hosts.",
        "drs enable prod",
    ),
    CommandSpec(
        "drs disable {cluster:cluster}",
        "Turn off DRS for a cluster.",
        "drs disable prod",
    ),
    CommandSpec(
        "drs mode {cluster:cluster} {mode:manual|partial|full}",
        "Choose whether DRS only recommends moves, also places VMs at power-on, or moves them "
        "itself.",
        "drs mode prod full",
    ),
    CommandSpec(
        "drs threshold {cluster:cluster} {level:int}",
        "Set how eagerly DRS moves VMs, from 1 (only when needed) to 5 (for any gain).",
        "drs threshold prod 4",
        limits=(("level", 1, 5),),
    ),
    CommandSpec(
        "drs apply {cluster:cluster} {id:word}",
        "Carry out one of DRS's recommendations (its id, such as r3), or all of them.",
        "drs apply prod r1",
    ),
    CommandSpec(
        "drs rule add {cluster:cluster} {rule:word}"
        " {type:keep-together|keep-apart|must-run-on|should-run-on|must-not-run-on}"
        " {members:word...}",
        "Add a rule that keeps VMs together or apart, or ties a VM group to a host group.",
        "drs rule add prod web-apart keep-apart web-01 web-02",
    ),
    CommandSpec(
        "drs rule remove {cluster:cluster} {rule:word}",
        "Remove a DRS rule.",
        "drs rule remove prod web-apart",
    ),
    CommandSpec(
        "drs group {cluster:cluster} {type:vm|host} {group:word} {members:word...}",
        "Define a group of VMs or hosts for DRS rules to name.",
        "drs group prod vm web-vms web-01 web-02",
    ),
    CommandSpec(
        "net uplink {host:host} {uplink:word} {state:up|down}",
        "Connect or disconnect one of a host's physical network ports.",
        "net uplink esx-01 vmnic1 down",
    ),
    CommandSpec(
        "net portgroup {host:host} {portgroup:word} vlan {vlan:int}",
        "Set the VLAN of a port group on a host.",
        "net portgroup esx-01 prod vlan 100",
        limits=(("vlan", 0, 4095),),
    ),
    CommandSpec(
        "net trunk {host:host} {uplink:word} {action:add|remove} {vlan:int}",
        "Allow or remove a VLAN on the physical switch port behind a host's uplink.",
        "net trunk esx-01 vmnic0 add 200",
        limits=(("vlan", 0, 4095),),
    ),
    CommandSpec(
        "net teaming {host:host} {vswitch:word} policy {policy:port-id|mac-hash|ip-hash|explicit|lacp}"
        " [--active={word...}] [--standby={word...}] [--detection={link|beacon}]"
        " [--lacp-rate={fast|slow}]",
        "Set how a vSwitch's uplinks share its traffic and take over from each other: the "
        "load-balancing policy, the active and standby uplinks, and how a failure is detected "
        "(a LACP group on a distributed switch: its LACPDUs every 1 s fast or 30 s slow, a "
        "member out after 3 missed).",
        "net teaming esx-01 vSwitch0 policy port-id --active vmnic0 --standby vmnic1",
    ),
    CommandSpec(
        "vm nic {vm:vm} {index:int} {portgroup:word}",
        "Connect a VM's network adapter (1 is the first) to a port group.",
        "vm nic web-01 1 prod",
        limits=(("index", 1, 10),),
    ),
    CommandSpec(
        "os install {vm:vm} [{os:linux|windows}]",
        "Install a guest operating system (linux by default) in a running VM that has none; "
        "it reboots into it when done.",
        "os install web-03",
    ),
    CommandSpec(
        "deploy {appliance:word} {name:word} {host:host} {datastore:datastore} [{portgroup:word}]",
        "Deploy a vendor's appliance (a router, firewall, load balancer, vCenter…) as a new VM; it "
        "is ready once booted, with no OS to install.",
        "deploy firewall fw-01 esx-01 ds-1 prod",
    ),
    CommandSpec(
        "p2v {server:host} {host:host} {datastore:datastore}",
        "Convert a running physical server into a VM: its disk is copied while it serves, then a "
        "short cutover; power the old server off after.",
        "p2v phys-01 esx-01 ds-1",
    ),
    CommandSpec(
        "license upgrade {edition:essentials|essentials-plus|standard|enterprise-plus|vvf|vcf}",
        "Buy a higher vSphere edition for every host, from the level's budget.",
        "license upgrade enterprise-plus",
    ),
)


def check_table(specs: Sequence[CommandSpec]) -> None:
    """Fail at import if two commands could be confused, so `parse` never has to guess.

    Two patterns must share the same elements up to a point where both have a different
    literal word; then the words typed so far always say which commands are still possible.
    """
    names = [s.name for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"command names must be unique: {dupes}"
    for i, a in enumerate(specs):
        for b in specs[i + 1 :]:
            for x, y in zip(a.positional, b.positional, strict=False):
                if x.kind == "literal" and y.kind == "literal" and x.text != y.text:
                    break
                assert x == y, f"{a.pattern!r} and {b.pattern!r} are ambiguous"
            else:
                raise AssertionError(f"{a.pattern!r} and {b.pattern!r} are ambiguous")


check_table(COMMANDS)
_BY_NAME: dict[str, CommandSpec] = {s.name: s for s in COMMANDS}
FIRST_WORDS: tuple[str, ...] = tuple(dict.fromkeys(s.slots[0].text for s in COMMANDS))


def spec_for(name: str) -> CommandSpec:
    """The spec of the command called `name` (e.g. `vm set cpu`); KeyError if there is none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no command named {name!r}") from None
