"""Provides the level `vdc new` writes: a small valid level to start a trainer's own from.

Two hosts with vMotion ports on a shared datastore run a two-tier service; a scripted host
failure (with advance warning) is the incident, and the objectives score keeping the service
up through it. The reference solution is in the file's header (and `REFERENCE`): it wins
with three stars, doing nothing loses.
"""

from __future__ import annotations

import re

SCHEMA_FILE = "level.schema.json"
"""What the `#:schema` line names (written next to the level by `vdc schema > …`)."""

REFERENCE = (
    "60   vmotion web-01 esx-02\n"
    "60   vmotion app-01 esx-02\n"
)
"""The template's reference solution, as an action script."""

_TEXT = """\
#:schema ./{schema}
# {level_id} — a two-host failover lab, made by `vdc new` to start your own level from.
#
# esx-01 runs the shop (web-01 → app-01); esx-02 idles beside it on the same datastore, both
# with a vMotion port. At 10 minutes the hardware vendor warns that esx-01 will crash at
# 15 minutes (the incident, below); a player who moves the shop to esx-02 in time keeps it up.
#
# Reference solution (an action script: `vdc run {file} --actions solution.txt`):
#
{reference}#
# Check it:  vdc check {file}
# Play it:   vdc play {file}
# The format, key by key: docs/levels.md, or `vdc schema > {schema}` for your editor.

[level]
id = "{level_id}"
title = "{title}"
briefing = \"\"\"
The shop runs on esx-01; esx-02 stands by on the same shared datastore. Keep the shop up \\
whatever happens to esx-01: both hosts have a vMotion port, so a running VM can move \\
without stopping (`vmotion VM HOST`).\"\"\"
duration = 1800
seed = 1
start_hour = 10
edition = "essentials-plus"      # vMotion and HA
concepts = ["vmotion"]
end_on_fail = false

[[level.hints]]
trigger = "event"
event = "message"
text = "A host is about to fail: move its VMs away with `vmotion VM HOST` (key `v` on a VM)."

[[clusters]]
name = "lab"

[[hosts]]
name = "esx-01"
cluster = "lab"
cores = 8
mhz = 2400
memory = 64
nics = [{{ name = "vmnic0", speed = 10000 }}, {{ name = "vmnic1", speed = 10000 }}]

[[hosts]]
name = "esx-02"
cluster = "lab"
cores = 8
mhz = 2400
memory = 64
nics = [{{ name = "vmnic0", speed = 10000 }}, {{ name = "vmnic1", speed = 10000 }}]

[[datastores]]
name = "ds-shared"
capacity = 2048
iops = 20000
mbps = 1000
hosts = ["esx-*"]                # shared: either host can run either VM

[[networks]]
name = "vSwitch0"
uplinks = ["vmnic0", "vmnic1"]
portgroups = [
    {{ name = "Management", vlan = 10, vmkernel = "management" }},
    {{ name = "vMotion", vlan = 20, vmkernel = "vmotion" }},
    {{ name = "Shop", vlan = 110 }},
]

[[vms]]
name = "web-01"
host = "esx-01"
vcpu = 2
memory = 8
profile = "web"
boot_s = 30
nics = [{{ portgroup = "Shop" }}]
disks = [{{ datastore = "ds-shared", size = 40 }}]

[[vms]]
name = "app-01"
host = "esx-01"
vcpu = 4
memory = 16
profile = "app"
boot_s = 40
nics = [{{ portgroup = "Shop" }}]
disks = [{{ datastore = "ds-shared", size = 60 }}]

[[services]]
name = "shop"
tiers = [
    {{ name = "web", vms = ["web-01"] }},
    {{ name = "app", vms = ["app-01"] }},
]

# The incident: esx-01 crashes at 15 minutes and is back 10 minutes later.
[[events]]
at = 900
kind = "host_failure"
host = "esx-01"
duration = 600
warning = 300
text = "Hardware vendor: esx-01's memory is failing; it will crash in about 5 minutes."

[[objectives]]
id = "shop-up"
kind = "service_uptime"
service = "shop"
description = "Shop up ≥ 99 % of the time"
target = 0.99
worst = 0.6
required = true
weight = 3

[[objectives]]
id = "web-down"
kind = "max_vm_downtime"
vms = "web-01"
description = "web-01 down ≤ 1 min in all"
target = 60
worst = 900
weight = 1
"""


def level_id_for(stem: str) -> str:
    """A level id from a file name: lowercase letters, digits and `-` (a numbered file's id
    must equal its name, so `07-my-lab.toml` gets `07-my-lab`)."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]+", "-", stem.lower())).strip("-") or "my-level"


def level_text(file_name: str) -> str:
    """The template for a file called `file_name` (its id and title from the name)."""
    stem = file_name.rsplit("/", 1)[-1].removesuffix(".toml")
    level_id = level_id_for(stem)
    title = re.sub(r"^\d+-", "", level_id).replace("-", " ").capitalize() or "My level"
    reference = "".join(f"#     {line}\n" for line in REFERENCE.splitlines())
    return _TEXT.format(level_id=level_id, title=title, file=file_name, schema=SCHEMA_FILE,
                        reference=reference)
