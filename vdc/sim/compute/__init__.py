"""Provides the compute mechanic: how a host's cores serve its VMs' vCPUs (relaxed or strict
co-scheduling, ready and co-stop, guest saturation; `cpu.py`), reservations (`reserve.py`)
and the events that explain CPU trouble (`alarms.py`)."""
