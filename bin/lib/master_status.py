#!/usr/bin/env python3
"""master_status.py alive-workers|completed-apps: reads a standalone Master's /json/ page on
stdin and prints the number of ALIVE workers, or the states of the completed applications
separated by spaces ("none" when there are none)."""
import json
import sys

status = json.load(sys.stdin)
if sys.argv[1:] == ["alive-workers"]:
    print(status.get("aliveworkers", 0))
elif sys.argv[1:] == ["completed-apps"]:
    print(" ".join(a.get("state", "?") for a in status.get("completedapps", [])) or "none")
else:
    sys.exit("usage: master_status.py alive-workers|completed-apps")
