#!/usr/bin/env python3
"""teramind generate, end to end, in both layouts (v3: NGFF 0.5 sharded, the default; v2:
NGFF 0.4, one file per chunk), with the reference reader (python3-zarr) for v2 (the v3 output
is read by zarrita in tools.zarr_v3_reader):

- the v2 OME-Zarr opens in zarr, with NGFF 0.4 multiscales, units and a 2 x 2 mean pyramid;
- two threads (tiles at once) give the same bytes as one; three tiles per forward pass differ
  by float rounding only;
- a run killed with SIGKILL after its first checkpoint resumes (without rewriting the tiles
  it had written) and ends byte-identical to an uninterrupted run, in each layout;
- a level-0 shard cut short is named by readers and rewritten when the job is run again; a
  kill right after that repair (checkpoints gone, teramind-job.json kept) still resumes;
- another job into the same output is refused before it repairs anything;
- `mpirun -n 2` (two strips of tile columns exchanging halos) gives the bytes of one process,
  also after every rank is killed and one rank's newest checkpoint is lost, in each layout;
- `teramind seams` prints seam_ratio for the boundary-aware and the naive output.

usage: test_generate_resume.py TERAMIND MODEL WORKDIR
"""
import json
import os
import pathlib
import shutil
import signal
import struct
import subprocess
import sys
import time

import numpy as np
import zarr

teramind, model, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
base = [teramind, "generate", "--model", model, "--tile-patches", "2", "--steps", "6",
        "--region", "4,2,16,24", "--seed", "3"]


def run(out, *extra, check=True):
    p = subprocess.run(base + ["--out", str(work / out), *extra], capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f"generate {out} failed:\n{p.stdout}\n{p.stderr}")
    return p.stdout


def chunks(out):
    root = work / out
    # The group's attributes name the job (processes, …); everything else must match.
    return {str(f.relative_to(root)): f.read_bytes() for f in sorted(root.rglob("*"))
            if f.is_file() and str(f.relative_to(root)) not in (".zattrs", "zarr.json")
            and not f.name.startswith("teramind-job")}


def checkpoint_metadata(out):
    f = work / out / "teramind-job.safetensors"
    try:
        raw = f.read_bytes()
        n = struct.unpack("<Q", raw[:8])[0]
        return json.loads(raw[8:8 + n])["__metadata__"]
    except (OSError, ValueError, KeyError, struct.error):
        return None


LAYOUTS = {"v3": [], "v2": ["--layout", "v2"]}
print(run("whole.zarr", "--threads", "1"), end="")
whole = {"v3": chunks("whole.zarr")}
run("whole_v2.zarr", "--threads", "1", "--layout", "v2")
whole["v2"] = chunks("whole_v2.zarr")
for layout, files in whole.items():
    assert sum(1 for k in files if k.startswith("0/")) > 0, f"{layout}: no level-0 chunks"
    print(f"files_{layout}:", {l: sum(1 for k in files if k.startswith(f"{l}/"))
                               for l in range(4)})
assert not any(".pending" in k for k in whole["v3"]), "pending chunks left after the job"

# The reference reader.
g = zarr.open_group(str(work / "whole_v2.zarr"), mode="r")
ms = g.attrs["multiscales"][0]
assert ms["version"] == "0.4", ms["version"]
assert [a["name"] for a in ms["axes"]] == ["c", "z", "y", "x"], ms["axes"]
assert ms["axes"][3]["unit"] == "micrometer"
level0, level1 = g["0"][:], g["1"][:]
print("zarr_shape:", level0.shape, "chunks:", g["0"].chunks, "levels:", len(ms["datasets"]))
assert level0.shape == (2, 2, 7 * 64, 4 * 64), level0.shape  # region y 2…25 meets tile rows 0…6
assert level0.dtype == np.uint8 and level0.std() > 1, "blank output"
h, w = level1.shape[2:]
mean = level0.astype(float).reshape(2, 2, h, 2, w, 2).mean(axis=(3, 5))
assert np.abs(level1 - mean).max() <= 0.5 + 1e-9, "level 1 is not the 2 x 2 mean"

run("two_workers.zarr", "--threads", "2")
assert chunks("two_workers.zarr") == whole["v3"], "two threads differ from one"
print("threads: 2 == 1")
# Batched tiles (the GPU path) change float sums in the network, so only rounding may differ.
run("batched.zarr", "--batch", "3", "--layout", "v2")
diff = np.abs(zarr.open_group(str(work / "batched.zarr"), mode="r")["0"][:].astype(int) -
              level0.astype(int))
assert diff.max() <= 1 and (diff > 0).mean() < 1e-4, (diff.max(), (diff > 0).mean())
print(f"batch: 3 vs 1 differ by at most {diff.max()} grey level in {(diff > 0).mean():.1e} of voxels")

# Kill -9 after the first checkpoint that records written tiles, then resume.
for layout, flags in LAYOUTS.items():
    name = f"killed_{layout}.zarr"
    cmd = base + ["--out", str(work / name), "--checkpoint-seconds", "0", *flags]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    written = 0
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        meta = checkpoint_metadata(name)
        if meta and int(meta["tiles_written"]) > 0 and meta["complete"] == "no":
            os.kill(proc.pid, signal.SIGKILL)
            written = int(meta["tiles_written"])
            break
        time.sleep(0.01)
    proc.wait()
    assert written > 0, "the run ended before it could be killed"
    print(f"killed {layout}: after {written} tiles were written")
    out = run(name, *flags)
    resumed = [l for l in out.splitlines() if l.startswith("resumed:")]
    assert resumed and int(resumed[0].split()[1]) >= written, out
    print(resumed[0])
    assert chunks(name) == whole[layout], f"{layout}: the resumed output differs"
    print(f"resume {layout}: byte-identical")

# A level-0 shard cut short (as a lost write can leave it): readers name it, and running the
# job again removes it and generates its tiles again.
shard = work / "killed_v3.zarr" / "0" / "c" / "0" / "0" / "0" / "0"
with open(shard, "r+b") as f:
    f.truncate(shard.stat().st_size - 100)
p = subprocess.run([teramind, "seams", str(work / "killed_v3.zarr")], capture_output=True,
                   text=True)
assert p.returncode != 0 and str(shard) in p.stderr and "shard cut short" in p.stderr, p.stderr
print("cut shard named:", p.stderr.strip().splitlines()[-1][:160])
p = subprocess.run(base + ["--out", str(work / "killed_v3.zarr")], capture_output=True, text=True)
assert p.returncode == 0 and "repaired: " + str(shard) in p.stderr, p.stdout + p.stderr
assert chunks("killed_v3.zarr") == whole["v3"], "the repaired output differs"
print("cut shard: removed, its tiles generated again, byte-identical")

# Killed right after that repair, before its next checkpoint: the damaged shard and the
# checkpoints of its planes are gone, teramind-job.json (the job's identity) stays, so running
# the job again resumes and ends byte-identical.
shard.unlink()
for f in (work / "killed_v3.zarr").glob("teramind-job*.safetensors*"):
    f.unlink()
assert (work / "killed_v3.zarr" / "teramind-job.json").exists()
p = subprocess.run(base + ["--out", str(work / "killed_v3.zarr")], capture_output=True, text=True)
assert p.returncode == 0, p.stdout + p.stderr
assert chunks("killed_v3.zarr") == whole["v3"], "the output resumed after the repair differs"
print("killed after a repair, before a checkpoint: resumed, byte-identical")

# Another job into the same output is refused, before a repair touches it: a damaged shard
# stays, and so do the checkpoints.
with open(shard, "r+b") as f:
    f.truncate(shard.stat().st_size - 100)
cut_size = shard.stat().st_size
checkpoints = sorted(f.name for f in (work / "killed_v3.zarr").glob("teramind-job*"))
p = subprocess.run(base[:-2] + ["--seed", "4", "--out", str(work / "killed_v3.zarr")],
                   capture_output=True, text=True)
assert p.returncode != 0 and "belongs to another job" in p.stderr, p.stderr
assert shard.exists() and shard.stat().st_size == cut_size, "another job repaired the output"
assert sorted(f.name for f in (work / "killed_v3.zarr").glob("teramind-job*")) == checkpoints
print("other job refused, output untouched")

mpirun = shutil.which("mpirun")
if mpirun:
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1",
               # containers often give /dev/shm no room for single-copy transfers
               OMPI_MCA_btl_vader_single_copy_mechanism="none")
    p = subprocess.run([mpirun, "-n", "2", "--oversubscribe"] + base +
                       ["--threads", "1", "--out", str(work / "mpi.zarr")],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"mpirun failed:\n{p.stdout}\n{p.stderr}")
    assert "2 MPI ranks" in p.stdout, p.stdout
    assert chunks("mpi.zarr") == whole["v3"], "2 MPI ranks differ from one process"
    print("mpirun -n 2: byte-identical to one process")
    # Kill every rank after a checkpoint, drop rank 1's newest one (as if it had been killed
    # while writing it), resume: the ranks agree on the checkpoint before.
    for layout, flags in LAYOUTS.items():
        name = f"mpi_killed_{layout}.zarr"
        cmd = [mpirun, "-n", "2", "--oversubscribe"] + base + [
            "--threads", "1", "--checkpoint-seconds", "0", "--out", str(work / name), *flags]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        rank1 = work / name / "teramind-job.rank1-of-2.safetensors"
        killed = False
        deadline = time.time() + 300
        while time.time() < deadline and proc.poll() is None:
            if pathlib.Path(str(rank1) + ".previous").exists():
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.01)
        proc.wait()
        assert killed, "the MPI run ended before it could be killed"
        rank1.unlink(missing_ok=True)
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        assert p.returncode == 0, p.stdout + p.stderr
        assert chunks(name) == whole[layout], f"{layout}: the resumed MPI output differs"
        print(f"mpirun -n 2 {layout}: killed, rank 1's newest checkpoint lost, resumed "
              "byte-identical")
else:
    print("mpirun: not installed, MPI comparison skipped")

run("naive.zarr", "--naive")
for out in ("whole.zarr", "whole_v2.zarr", "naive.zarr"):
    s = subprocess.run([teramind, "seams", str(work / out)], capture_output=True, text=True,
                       check=True).stdout
    print(out, [l for l in s.splitlines() if l.startswith("seam_ratio:")][0])
print("generate: ok")
