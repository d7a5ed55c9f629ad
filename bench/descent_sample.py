"""The SAT descent's settings judged on a sample, not on four instances (issue 18).

    python bench/descent_sample.py dump var/descent-sample          # ~6 min, once
    python bench/descent_sample.py run var/descent-sample --seeds 7,8,9 HOOD_WIDTH=4
    python bench/descent_sample.py dump var/descent-heldout --copies 4-7   # a held-out sample

On the published instances still above their best published breaks, the descent after
CP-SAT (satbreaks.descend) is a heavy-tailed lottery: any change of its settings moves each
instance by 1-3 breaks either way, so the four alone say nothing. ``dump`` runs the solver
(30 s) on each of them and on three copies of each with participants, meetings and tables
shuffled (the same problem, independent draws), and pickles the state the descent starts
from: 16 schedules. ``run`` re-runs only the descent from each, with the production code and
the same conflicts (times ``--scale``; those on top at the end as dumped, or ``--more``),
once per neighbourhood seed, with any ``satbreaks`` constant set as KEY=VALUE, and prints
each case, each family's sum and the mean total over the seeds (one seed's total moves by up
to 7 either way: compare means over several seeds). A change chosen on the sample is
checked on a held-out one: ``--copies 4-7`` dumps four other copies of each family.
"""

from __future__ import annotations

import argparse
import copy
import multiprocessing
import pickle
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.objectives_bench import INSTANCES, load_instance  # noqa: E402

FAMILIES = ("forum-13crafb", "forumt-14crafe", "tic-13crafc", "ticf-13crafb")
# copy 0 is the published instance itself, the others shuffled draws of it
COPIES = range(4)


def _variants(copies: range = COPIES) -> list[tuple[str, dict[str, Any]]]:
    """Each family's ``copies``, by name (other copies than the default make a held-out
    sample: the same families, new draws)."""
    out = []
    for name in FAMILIES:
        _, data = load_instance(INSTANCES / f"{name}.original.json.gz")
        for copy_no in copies:
            if copy_no == 0:
                out.append((name, data))
                continue
            draw = random.Random(copy_no * 1000 + len(name))
            shuffled = dict(data)
            for key in ("participants", "meetings", "tables"):
                shuffled[key] = list(data[key])
                draw.shuffle(shuffled[key])
            out.append((f"{name}v{copy_no}", shuffled))
    return out


def _dump_one(args: tuple[str, dict[str, Any], str]) -> tuple[str, int, float]:
    """Solve one instance, pickling the state its descent starts from."""
    name, data, folder = args
    import app.scheduling.domain.breaks as breaks
    from app.scheduling.domain.parse import parse_problem
    from app.scheduling.domain.solver import solve

    real = breaks.descend

    def spy(inst: Any, sched: Any, free: Any, *, conflicts: int, **kw: Any) -> Any:
        state = (inst, copy.deepcopy(sched), free, conflicts, kw.get("floor", 0), kw.get("more", 0))
        (Path(folder) / f"{name}.pkl").write_bytes(pickle.dumps(state))
        return real(inst, sched, free, conflicts=conflicts, **kw)

    breaks.descend = spy  # type: ignore[assignment]
    start = time.perf_counter()
    stats = solve(parse_problem(data), time_limit_s=30.0).stats
    return name, stats.breaks, time.perf_counter() - start


def dump(folder: Path, copies: range = COPIES) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1, maxtasksperchild=1) as pool:
        for name, data in _variants(copies):
            got, breaks, seconds = pool.apply(_dump_one, ((name, data, str(folder)),))
            print(f"{got:<18} {breaks:>3} breaks {seconds:5.1f} s", flush=True)


def run(
    folder: Path, seeds: list[int], settings: list[str], scale: float = 1.0, more: int | None = None
) -> None:
    import app.scheduling.domain.satbreaks as satbreaks

    for setting in settings:
        key, value = setting.split("=", 1)
        setattr(satbreaks, key, type(getattr(satbreaks, key))(value))
    cases = sorted(folder.glob("*.pkl"))
    if not cases:
        sys.exit(f"no schedules in {folder}: run 'dump' first")
    totals = []
    for seed in seeds:
        satbreaks.HOOD_SEED = seed
        total, families = 0, dict.fromkeys(FAMILIES, 0)
        for path in cases:
            inst, sched, free, conflicts, floor, *rest = pickle.loads(path.read_bytes())
            # the conflicts on top at the end (older dumps did not keep them)
            extra = (rest[0] if rest else 0) if more is None else more
            now = satbreaks.BreaksCnf(inst, sched, free).breaks_now()
            start = time.perf_counter()
            budget = round(conflicts * scale)
            got = satbreaks.descend(
                inst, sched, free, conflicts=budget, more=round(extra * scale), floor=floor
            )
            after = now if got is None or got.placement is None else got.breaks
            seconds = time.perf_counter() - start
            total += after
            families[path.stem.split("v")[0]] += after
            print(
                f"seed {seed} {path.stem:<18} {now:>3} -> {after:>3} {seconds:5.1f} s", flush=True
            )
        totals.append(total)
        print(f"seed {seed} total {total}", families, flush=True)
    print(f"mean total over {len(seeds)} seeds: {sum(totals) / len(totals):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("dump", "run"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seeds", default="7,8,9")
    parser.add_argument("--scale", type=float, default=1.0, help="of each descent's conflicts")
    parser.add_argument(
        "--more", type=int, default=None, help="conflicts on top at the end (default: as dumped)"
    )
    parser.add_argument(
        "--copies",
        default="0-3",
        help="dump: copies FIRST-LAST (0 is the published instance, the others shuffled)",
    )
    parser.add_argument("settings", nargs="*", help="satbreaks constants, KEY=VALUE")
    args = parser.parse_intermixed_args()
    if args.what == "dump":
        first, last = (int(n) for n in args.copies.split("-"))
        dump(args.folder, range(first, last + 1))
    else:
        run(
            args.folder,
            [int(s) for s in args.seeds.split(",")],
            args.settings,
            args.scale,
            args.more,
        )


if __name__ == "__main__":
    main()
