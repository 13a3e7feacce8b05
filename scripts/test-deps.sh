#!/usr/bin/env bash
# What the unit tests need beyond npm: Dask's `distributed` for the shards-on-a-cluster test
# (test/unit/dask.test.ts), from Debian. The test refuses to pass by skipping, so a fresh machine
# must have it before `npm run test:unit`.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
apt_install python3-distributed
