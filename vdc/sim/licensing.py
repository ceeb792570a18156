"""Provides the licence editions: which features each allows, what an upgrade costs.

The matrix follows vSphere 6.7 (design/sim-facts.md §16): Essentials is the hypervisor alone;
Essentials Plus adds HA and vMotion; Standard adds Storage vMotion; Enterprise Plus (and the
Broadcom-era VVF and VCF bundles) add DRS and the distributed switch. A command whose feature
the edition lacks is refused naming the cheapest edition that has it.
"""

from __future__ import annotations

EDITIONS: tuple[str, ...] = (
    "essentials", "essentials-plus", "standard", "enterprise-plus", "vvf", "vcf",
)
"""Cheapest first."""

FEATURES: dict[str, frozenset[str]] = {
    "essentials": frozenset(),
    "essentials-plus": frozenset({"ha", "vmotion"}),
    "standard": frozenset({"ha", "vmotion", "svmotion"}),
    "enterprise-plus": frozenset({"ha", "vmotion", "svmotion", "drs", "vds"}),
    "vvf": frozenset({"ha", "vmotion", "svmotion", "drs", "vds"}),
    "vcf": frozenset({"ha", "vmotion", "svmotion", "drs", "vds", "vsan"}),
}

FEATURE_NAMES: dict[str, str] = {
    "ha": "vSphere HA",
    "vmotion": "vMotion",
    "svmotion": "Storage vMotion",
    "drs": "DRS",
    "vds": "the distributed switch",
    "vsan": "vSAN",
}

PRICE_PER_HOST: dict[str, float] = {
    "essentials": 500.0,
    "essentials-plus": 1500.0,
    "standard": 3000.0,
    "enterprise-plus": 7000.0,
    "vvf": 9000.0,
    "vcf": 15000.0,
}
"""Tunable [game assumption]: list price of one host's licence per edition, in level money.
An upgrade costs the difference for every hypervisor host."""

MAX_HOSTS: dict[str, int | None] = {"essentials": 3, "essentials-plus": 3}
"""Kits that cover only a few hosts (None / absent: no limit)."""


def allows(edition: str, feature: str) -> bool:
    return feature in FEATURES.get(edition, frozenset())


def cheapest_with(feature: str) -> str:
    """The cheapest edition that has `feature`."""
    return next(e for e in EDITIONS if feature in FEATURES[e])


def refusal(edition: str, feature: str) -> str | None:
    """Why `edition` cannot use `feature` (None when it can), in words a player understands."""
    if allows(edition, feature):
        return None
    return (
        f"the {edition} licence does not include {FEATURE_NAMES.get(feature, feature)}; "
        f"{cheapest_with(feature)} has it (license upgrade {cheapest_with(feature)})"
    )


def upgrade_cost(current: str, new: str, hosts: int) -> float:
    """What moving every one of `hosts` hypervisor hosts from `current` to `new` costs."""
    return max(0.0, PRICE_PER_HOST[new] - PRICE_PER_HOST[current]) * hosts
