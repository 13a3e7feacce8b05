#!/usr/bin/env python3
"""Loss Lens over shards on a Dask cluster: each worker reads shards where they are and writes a
state file (`loss-lens SHARD --state-out PART.json`); the driver merges the states into the report
of one read of all the shards (`loss-lens merge PART.json... [--json]`).

    python3 scripts/dask/run_shards.py [--json] [--workers 2] [--scheduler tcp://HOST:8786]
        [--states DIR] [--cli dist/cli.js] [--node node] SHARD... [-- LOSS_LENS_OPTIONS...]

Without --scheduler a LocalCluster of --workers processes (one thread each) is started on this
machine, listening on 127.0.0.1 only. With --scheduler, the shards' paths, the CLI's path and
--states must be the same on every worker (a shared file system). Options after `--` go to every
`loss-lens SHARD` run (`-- --input logits --preset pytorch`); the merge takes the states' own.
Needs Dask's `distributed` (Debian: apt-get install python3-distributed; pip: distributed).
Exit status: that of the merge (0, 1 when states or shards are refused), 1 when a shard fails.
"""
import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CLI = os.path.normpath(os.path.join(HERE, "..", "..", "dist", "cli.js"))


def shard_state(node, cli, shard, out, options):
    """On a worker: one shard's state file. Raises with the CLI's message when it fails."""
    cmd = [node, cli, shard, "--state-out", out, "--no-progress", *options]
    run = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"{shard}: loss-lens exited {run.returncode}\n{run.stderr.strip()}")
    return out


def parse(argv):
    if "--" in argv:
        at = argv.index("--")
        argv, options = argv[:at], argv[at + 1 :]
    else:
        options = []
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("shards", nargs="+", help="the shard files, in the order of the data set")
    p.add_argument("--json", action="store_true", help="print the merged report as JSON")
    p.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    p.add_argument("--scheduler", help="address of a running scheduler instead of a LocalCluster")
    p.add_argument("--states", help="folder for the state files (default: a temporary one, removed after)")
    p.add_argument("--cli", default=DEFAULT_CLI, help="the loss-lens CLI (dist/cli.js)")
    p.add_argument("--node", default=shutil.which("node") or "node", help="the node binary")
    args = p.parse_args(argv)
    return args, options


def main(argv):
    args, options = parse(argv)
    from distributed import Client, LocalCluster

    states = args.states or tempfile.mkdtemp(prefix="loss-lens-states-")
    os.makedirs(states, exist_ok=True)
    # One state file per shard, named by its place in the data set (the merge orders states by
    # their files' names, so the names of the state files do not matter).
    outs = [os.path.join(states, f"part-{i:05d}.json") for i in range(len(args.shards))]
    cluster = None
    try:
        if args.scheduler:
            client = Client(args.scheduler)
        else:
            cluster = LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        try:
            futures = client.map(
                shard_state,
                [args.node] * len(args.shards),
                [args.cli] * len(args.shards),
                args.shards,
                outs,
                [options] * len(args.shards),
                pure=False,
            )
            try:
                parts = client.gather(futures)
            except RuntimeError as err:
                print(err, file=sys.stderr)
                return 1
        finally:
            client.close()
        merge = [args.node, args.cli, "merge", *parts, *(["--json"] if args.json else [])]
        run = subprocess.run(merge, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sys.stdout.write(run.stdout)
        sys.stderr.write(run.stderr)
        return run.returncode
    finally:
        if cluster is not None:
            cluster.close()
        if not args.states:
            shutil.rmtree(states, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
