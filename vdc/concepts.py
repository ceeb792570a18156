"""Provides the concepts the levels teach: an id, a title and a short plain explanation.

Levels list concept ids in `[level] concepts`; F1 in the game shows these texts, and the
briefing lists them. Keep each to one paragraph of a few sentences a newcomer can read in the
middle of an incident: what it is, the real-world number behind it (design/sim-facts.md), how
the game shows it, and the command that acts on it. Every concept a shipped level names has a
note (a test checks it).
"""

from __future__ import annotations

CONCEPTS: dict[str, tuple[str, str]] = {
    "hypervisor": (
        "Hypervisor",
        "A hypervisor (ESXi, KVM) runs on a physical host and carves its CPU cores, memory, "
        "disks and NICs into virtual machines. Each VM runs its own guest operating system and "
        "believes it has a computer of its own.",
    ),
    "consolidation": (
        "Consolidation",
        "Most servers sit idle most of the time. Running many lightly used VMs on a few hosts "
        "saves hardware, rack space and power — as long as their peaks do not coincide. A host "
        "you do not need can be powered off (`host power off HOST`) once it runs no VMs.",
    ),
    "reservations": (
        "Reservations",
        "A memory or CPU reservation is a promise: the host must be able to give the VM that "
        "much at any time. A VM is refused power-on where its reservation cannot be kept — the "
        "refusal says how much is left. Start it on a host with room: `power on VM HOST`.",
    ),
    "contention": (
        "CPU contention and CPU ready",
        "When the VMs on a host want more CPU than its cores have, each gets a share and its "
        "vCPUs wait: that wait is CPU ready (%RDY). Under 5 % per vCPU is fine, over 10 % hurts. "
        "Spread busy VMs over hosts, or give a capped VM more vCPUs if the host has room.",
    ),
    "overcommit": (
        "Memory overcommit",
        "Hosts may promise VMs more memory than they have. Below minFree (1,923 MB free on a "
        "128 GiB host) the host reclaims: it shares pages (clear), inflates balloons in guests "
        "with Tools (soft: they page a little), compresses and swaps to the .vswp (hard: swapped "
        "guests slow down a lot), and at last holds back allocations (low). The Hosts panel's "
        "Reclaim column shows the state; VMs without Tools cannot balloon and are swapped.",
    ),
    "guest-tools": (
        "Guest tools and drivers",
        "VMware Tools (or virtio drivers on KVM) give a guest the balloon driver, quiesced "
        "snapshots, graceful shutdown and the drivers for paravirtual hardware. Emulated "
        "adapters need none but cost: an e1000 NIC carries at most ~1.5 Gbit/s and burns host "
        "CPU per Gbit; vmxnet3 reaches the link speed. `tools install VM` works in a running "
        "guest and takes effect after it reboots; `vm adapter VM nic 1 vmxnet3` needs it off.",
    ),
    "storage": (
        "Storage space and latency",
        "VM disks are files on datastores. Thin disks grow as the guest writes; a datastore "
        "over 85 % full is an alert, and a full one stops every VM that needs new blocks there. "
        "A busy datastore answers slowly: latency climbs steeply as it nears its IOPS limit.",
    ),
    "vlans": (
        "VLANs and uplinks",
        "VM NICs plug into port groups on a virtual switch; each port group carries one VLAN. "
        "The host's uplinks connect to the physical switch, whose trunk must allow that VLAN. "
        "A VLAN missing from the trunk, or the last uplink going down, cuts the VMs off.",
    ),
    "nic-teaming": (
        "NIC teaming and failure detection",
        "A vSwitch teams several uplinks. With the default policy (port-id) each VM NIC is "
        "pinned to one uplink, so one VM never gets more than that link, and if the uplink "
        "fails only its VMs move. Link status notices a dead link within about 1 s but not a "
        "failure beyond the switch port: the link stays up and the traffic is black-holed. "
        "Beacon probing sees that too after 3 missed beacons (3 s), with 3 or more uplinks: "
        "`net teaming HOST vSwitch0 policy port-id --detection beacon`.",
    ),
    "incidents": (
        "Incidents",
        "Trouble arrives on its own: load spikes, failing hosts, dead uplinks, a datastore "
        "another team fills, a bad change. Read the alarms, find what the service needs, act.",
    ),
    "services": (
        "Services",
        "A service is a chain of tiers (fw → lb → web → db). A tier is up while one of its VMs "
        "is healthy; the service is up only while every tier is. Redundant VMs in a tier buy "
        "time when one fails.",
    ),
    "vmotion": (
        "vMotion",
        "vMotion moves a running VM to another host without stopping it: it copies the memory "
        "while the guest keeps writing, copies again what changed, and once the rest fits in "
        "about half a second it stuns the VM and switches over. A 16 GiB VM dirtying 50 MB/s "
        "moves in about 15 s over 10 GbE but about 4 minutes over 1 GbE; a host runs 4 at once "
        "on 1 GbE, 8 on 10 GbE, and each costs a core on both hosts while it copies. It needs "
        "vCenter, a vMotion VMkernel port on both hosts and the same CPU vendor; a host without "
        "the VM's storage takes it if you name a datastore: the disks cross the link first. "
        "Tasks panel (8). `vmotion VM HOST [DATASTORE]` (`v`).",
    ),
    "cpu-ready": (
        "CPU ready",
        "CPU ready (%RDY) is the share of time a vCPU wanted to run but found no free core. "
        "vCenter samples it every 20 s: 1,000 ms of ready in one sample is 5 %; under 5 % per "
        "vCPU is fine, over 10 % users notice. The VMs table (4) shows each VM's ready, smoothed "
        "over 20 s like vCenter's chart; the Alarms panel (6) lists the VMs over 10 %. Spread busy VMs "
        "over hosts before a known peak with `vmotion VM HOST`: the move itself costs a few "
        "seconds of ready, an overloaded host costs every minute it lasts.",
    ),
    "co-scheduling": (
        "Co-scheduling and wide VMs",
        "Textbooks say a VM runs only when as many cores as its vCPUs are free at once (strict "
        "co-scheduling): on 4 cores a busy 4-vCPU and a busy 2-vCPU VM take turns, each is "
        "served 50 %, waits 50 % and 2 cores sit idle (host 75 % busy). That was ESX 2.x; ESXi "
        "relaxes it (any free core runs any vCPU, a lagging sibling co-stops the others briefly) "
        "and KVM runs each vCPU as a host thread: 66.7 % served, 33.3 % ready, host 100 %. A "
        "strict host's VM table shows co-stop (CoStp%) beside ready. Give a wide VM the vCPUs it "
        "uses, `vm set VM cpu N`, or move it to a relaxed host.",
    ),
    "right-sizing": (
        "Right-sizing",
        "A VM can use at most its vCPUs × the core clock (2 vCPUs × 2,400 MHz = 4,800 MHz). A "
        "guest that wants more is saturated: the host cannot help, and the VM serves only its "
        "share (wanting 125 % of its vCPUs is already below the usual 80 %); the VMs table's CPU "
        "shows ▲ and what it wants. Too many vCPUs hurt too: they wait for cores (ready). Size a "
        "VM to its peak, `vm set VM cpu N`, and reserve what must never wait: `vm reserve VM cpu "
        "MHZ` (within what the host has not promised to others).",
    ),
    "maintenance": (
        "Maintenance mode",
        "A host in maintenance mode runs no VMs, so it can be patched, rebooted or repaired "
        "without anyone noticing. Entering waits until its running VMs have left: in a fully "
        "automated DRS cluster DRS moves them, otherwise you vMotion them yourself (8 at a time "
        "per host on 10 GbE). A task (8) waits while it enters; then the Hosts panel shows it. "
        "`maintenance enter HOST` (key `M`), `host reboot HOST`, then `maintenance exit HOST`.",
    ),
    "storage-vmotion": (
        "Storage vMotion",
        "Storage vMotion moves a running VM's disk files to another datastore: a single copy "
        "pass while a mirror driver writes new data to both sides, then a short switchover. "
        "Without array offload it copies at about 500–700 MB/s, so 100 GB take 2.5–3.5 minutes; "
        "a host runs 2 at once. In the game the copy runs at up to 600 MB/s, loads both "
        "datastores, and holds the space on the destination until done (the Tasks panel shows "
        "it). It needs vCenter and the Standard edition. `svmotion VM DATASTORE` (key `V`).",
    ),
    "local-storage": (
        "Local storage",
        "A datastore on a host's own disks is cheap and quick, but only that host can reach "
        "it. Its VMs cannot be vMotioned alone (no other host sees their disks), and when the "
        "host fails HA cannot restart them anywhere else. The Datastores panel (2) shows its "
        "type, local; a vMotion of its VMs is refused with the reason. Move the disks to shared "
        "storage first, at roughly 600 MB/s: `svmotion VM SHARED-DATASTORE`; or move the VM "
        "and its disks in one step over the vMotion network: `vmotion VM HOST DATASTORE`.",
    ),
    "ha": (
        "vSphere HA",
        "HA restarts the VMs of a failed host on the hosts that survive. Agents on the hosts "
        "elect a primary; a dead secondary is declared failed about 18 s after it stopped (a "
        "dead primary after 50 s), placement takes another 10–15 s, then the VMs power on in "
        "order of restart priority and are back after their boot. HA runs on the hosts, so it "
        "works while vCenter is down. The Hosts panel shows each host's role; the event log "
        "shows the restarts. `ha enable CLUSTER`, `ha priority VM highest` (key `H`).",
    ),
    "admission-control": (
        "Admission control",
        "Admission control keeps enough spare capacity in a cluster that HA can restart "
        "everything after a host failure. Three policies: slots (a slot is the largest "
        "reservation; a VM without one counts as 32 MHz), a percentage of CPU and memory (4 "
        "equal hosts, 1 failure: 25 % held back), or dedicated failover hosts kept empty. A "
        "power-on that would eat the reserve is refused with the numbers. "
        "`ha admission CLUSTER slots 1`, `… percent 1`, `… failover-hosts HOST`.",
    ),
    "drs": (
        "DRS",
        "DRS balances a cluster by moving VMs with vMotion. Every 5 minutes it measures the "
        "spread of host loads and compares it with a target set by the threshold: at the "
        "default 3, 0.2 for 2 hosts and 0.163 for 3. Manual mode only recommends, partial also "
        "places VMs at power-on, full moves them itself. It needs vCenter and Enterprise Plus. "
        "The DRS panel (9) lists the recommendations. `drs enable CLUSTER`, "
        "`drs mode CLUSTER full`, `drs threshold CLUSTER 1..5`, `drs apply CLUSTER all` (key `D`).",
    ),
    "licensing": (
        "Licences",
        "The vSphere edition decides which features exist. Essentials is the hypervisor alone; "
        "Essentials Plus adds HA and vMotion (for at most 3 hosts); Standard adds Storage "
        "vMotion; Enterprise Plus adds DRS and the distributed switch. A command the licence "
        "does not cover is refused naming the cheapest edition that has it. An upgrade costs "
        "the price difference for every host, paid from the level's budget: "
        "`license upgrade EDITION`.",
    ),
    "affinity-rules": (
        "Affinity rules",
        "DRS rules say where VMs may run: keep-together and keep-apart tie VMs to each other, "
        "must / should / must-not run on tie a VM group to a host group. Required rules "
        "(keep-apart and the must rules) are never broken, by DRS, HA or you; should and "
        "keep-together give way when nothing else fits; of two conflicting rules the older "
        "wins. A rule broken when you add it is mended by DRS's next pass (every 5 minutes). "
        "Keep a database's two copies apart: `drs rule add CLUSTER NAME keep-apart VM VM` "
        "(key `D`).",
    ),
    "snapshots": (
        "Snapshots",
        "A snapshot freezes a VM's disks; new writes go to a delta file that grows with every "
        "block written, up to the size of the disk. Each delta costs I/O (one measurement fell "
        "from 2,450 to 300 IOPS with a single snapshot) and space that can fill the datastore; "
        "keep at most 2–3, for at most 72 hours. Take one before a risky change, revert if it "
        "goes wrong, delete it (merge it back) soon after. `snapshot create VM NAME`, "
        "`snapshot revert VM NAME`, `snapshot delete VM --all` (key `n`).",
    ),
    "vcenter": (
        "vCenter",
        "vCenter manages the hosts centrally. When it is down the VMs keep running and HA "
        "still restarts VMs, but vMotion, Storage vMotion, DRS, cluster settings and licence "
        "changes stop; single hosts can still be powered on and off and their VMs started. "
        "Protected by HA, a vCenter VM whose host died is usable again after about 7 minutes "
        "40 s. Refused commands say \"vCenter is unavailable\" and why. While it is up, give "
        "its VM the highest restart priority: `ha priority VCENTER-VM highest`.",
    ),
    "rdm": (
        "Raw device mapping",
        "A raw device mapping gives a VM a SAN LUN directly instead of a file on a datastore: "
        "fast I/O (0.5 ms in the game, whatever the datastores do), needed by some clustering "
        "and SAN tools. In virtual mode it still behaves like a disk file; in physical mode "
        "every SCSI command goes to the LUN, so it cannot be snapshotted. Storage vMotion "
        "moves the VM's files and leaves the LUN where it is. The VM runs only on hosts that "
        "see its LUN: "
        "`power on VM HOST` and `vmotion VM HOST` elsewhere are refused naming the LUN.",
    ),
    "datastores": (
        "Datastores",
        "A datastore holds VM disks as files: shared (VMFS, NFS, vSAN), which vMotion and HA "
        "need, or local to one host. vCenter warns at 75 % full and alerts at 85 %; a full "
        "datastore pauses every VM whose thin disk or snapshot needs a new block. Latency climbs "
        "steeply as a datastore nears its IOPS limit (15 ms is Storage DRS's default alarm). The "
        "Datastores panel (2) shows fill and latency. Free space with `svmotion VM DATASTORE` or "
        "`snapshot delete VM --all`.",
    ),
    "shared-storage": (
        "Shared storage",
        "vMotion and HA need every host to see a VM's disks: a SAN (VMFS on FC or iSCSI LUNs), "
        "a NAS (NFS) or vSAN. The array's controllers, disks and paths are outside vSphere: "
        "vCenter sees a datastore's space (alarms at 75 and 85 %) and latency, not a failing "
        "array disk or a dying controller: its health comes from the array's own tools. A host "
        "that loses every path to a datastore (APD) or is told it is gone (PDL) stops its VMs' "
        "I/O there. Move disks with `svmotion VM DATASTORE`.",
    ),
    "hci": (
        "Hyper-converged infrastructure (HCI)",
        "HCI (vSAN, Nutanix) pools the local disks of three or more servers into one shared "
        "datastore: no array, storage grows with each node. Each VM's data is kept as copies "
        "on different hosts by its storage policy: with FTT 1 RAID-1 a 100 GiB disk takes 200 "
        "GiB raw on 3 hosts. A 3-node cluster survives one host failure but cannot rebuild the "
        "lost copies until that host returns; a 4th node can take them. Set a policy with "
        "`vm policy VM ftt 1 raid5`.",
    ),
    "vsan": (
        "vSAN failures and rebuilds",
        "A vSAN host that goes away leaves its components absent: vSAN waits 60 min "
        "(the repair delay) in case it returns — then only the missed writes resync — and "
        "rebuilds them on a host holding no other copy. A failed disk's components are degraded "
        "and rebuilt at once. More failures than the policy's FTT make the data inaccessible: "
        "its VMs stop. Keep 30 % free for rebuilds; the Datastores panel (2) counts down the "
        "delay. RAID-5 needs 4 hosts, RAID-6 6: `vm policy VM ftt 2 raid6`.",
    ),
    "apd-pdl": (
        "All paths down and permanent device loss",
        "APD: a host lost every path to a datastore and does not know why; its VMs' I/O hangs. "
        "After 140 s (the APD timeout) it gives up on the device; HA's VM Component "
        "Protection restarts the VMs on a host that still sees it 3 min later (about 320 s in). "
        "PDL: the array says the device is gone for good; the VMs fail at once and VMCP "
        "restarts them right away. Turn it on in the level's HA settings; start a VM elsewhere "
        "with `power on VM HOST`.",
    ),
    "guest-os": (
        "A new VM and its guest OS",
        "Creating a VM only carves out CPU, memory, a disk and a NIC: nothing is installed in "
        "it. Powered on, it boots to nothing and serves no one until an operating system is "
        "installed inside it — the guest OS, about 10 minutes for Linux, 20 for Windows. "
        "`vm create NAME HOST DATASTORE cpu N mem GIB disk GIB`, then `power on NAME` and "
        "`os install NAME`.",
    ),
    "virtual-appliance": (
        "Virtual appliances",
        "A virtual appliance is a VM its vendor has already set up — OS, software, settings — "
        "shipped as a file to load: routers, firewalls, load balancers, the vCenter appliance. "
        "Deployed, it boots and works at once, with no OS to install: a load balancer is ready "
        "in 2 minutes instead of a VM's 10-minute install. `deploy APPLIANCE NAME HOST "
        "DATASTORE PORTGROUP`.",
    ),
    "load-balancing": (
        "Load balancers and NFV",
        "Network functions — routing, firewalls, load balancing — can run as VMs (NFV) instead "
        "of boxes. A load balancer in front of a web tier shares the visitors over the web VMs "
        "that are up, so a dead one costs capacity, not the service; every visitor passes "
        "through it, so its CPU grows with the traffic (a vCPU per 1,500 Mbit/s or so) and a "
        "balancer on a busy host slows the whole chain. Put it in its tier with `vm service NAME SERVICE TIER`.",
    ),
    "physical-to-virtual": (
        "Physical to virtual (P2V)",
        "P2V copies a running physical server's disks over the network into a new VM while "
        "the server keeps serving; only the final sync and the switch stop the application, "
        "for a minute or two. The old box can then be powered off: its rack units, power and "
        "upkeep are saved. `p2v SERVER HOST DATASTORE`, then `host power off SERVER`.",
    ),
}


def describe(concept_id: str) -> tuple[str, str]:
    """Title and text of a concept; an unknown id gets its own name and a plain note."""
    return CONCEPTS.get(concept_id, (concept_id.replace("-", " ").capitalize(), "No notes yet."))
