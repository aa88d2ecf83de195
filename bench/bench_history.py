#!/usr/bin/env python3
"""What the shared per-limit history (issue 9 §3) costs: everything side by side with SLUICE_HISTORY=off.

Contenders, both at once in each round, on one embedded PostgreSQL:
  limiter ceiling: `sluice bench limiter --processes N` (N = 1, 4) with SLUICE_HISTORY=on and off, both at once
                   (each its own limit row), so both see the same co-runners. Each worker
                   loops on SharedLimits.acquire() against `rates: [100000000/1s]` (so high that the rate never paces the loop: with
                   batched permits a limit of 100000/1s is reached, and then the bench would measure the rate,
                   not the limiter) and counts every permit in the
                   history the way the call gate counts a call (its wait, then the call); with history on, the
                   workers also flush every 5 s into sluice_limit_series in the same database.
  a run's wall time: `sluice run --force` of one partition (3000 orders, page size 10: 300 calls), both contenders
                   at once on two partitions (swapped every round), against the
                   sandbox with no rate limit and a job limit of 100000/1s, so nothing paces the run and the
                   history's share of it is as large as it gets. Wall time of the process, and the run's own
                   duration_ms (from its summary line).
  counting alone:  `sluice bench counting`: CPU ns per permit (the counting thread's own CPU time, so other work on
                   the machine does not count) of the recorder's path as the limiter bench runs it, history on vs off,
                   in alternating rounds: what counting costs when permits/s cannot resolve a few percent.
Target (issue 9, "Overhead"): the history costs under 5% of the limiter's permits/s and of a run's wall time.
Writes bench/results/history.json and history.md.
"""

import argparse
import shutil
import statistics
import subprocess
import tempfile
import threading
import time

import harness

PSQL = shutil.which("psql") or "/usr/bin/psql"
TARGET_PERCENT = 5.0
RECORDS = 3000
PAGE_SIZE = 10
PARTITIONS = ("2026-11-01", "2026-11-02")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="limiter window per contender")
    parser.add_argument("--repetitions", type=int, default=3, help="limiter rounds")
    parser.add_argument("--processes", default="1,4", help="workers per contender (both contenders run at once: 2N)")
    parser.add_argument("--runs", type=int, default=6, help="timed runs per contender")
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    before = harness.machine()
    with harness.database() as db, tempfile.TemporaryDirectory(prefix="sluice-bench-history-") as tmp:
        limiter = limiter_rounds(db, counts, args)
        counting = counting_alone(db)
        runs = run_rounds(db, tmp, args.runs)
        rows = db_rows(db)
    data = {"bench": "history", "machine_before": before, "machine_after": harness.machine(),
            "seconds": args.seconds, "repetitions": args.repetitions, "limiter": limiter,
            "limiter_summary": summarise_limiter(limiter, counts), "counting": counting, "runs": runs,
            "runs_summary": summarise_runs(runs), "series_rows_written": rows}
    harness.write("history", data, markdown(data))


# Far above what the limiter hands out, so the loop measures the limiter, never the rate.
CEILING_RATE = "100000000/1s"


def limiter_rounds(db, counts, args):
    """Each round runs both contenders at the same time (each its own limit row), so both see the same
    co-runners: on a shared VM, 10-second windows taken one after the other differed by up to ±30%."""
    rounds = []
    for rep in range(args.repetitions):
        for n in counts:
            entry = {"round": rep + 1, "n": n}
            commands = {history: (["bench", "limiter", "--processes", str(n), "--seconds", str(args.seconds),
                                   "--limit", f"bench-history-{n}-{history}", "--rate", CEILING_RATE],
                                  dict(db["env"], SLUICE_HISTORY=history)) for history in ("on", "off")}
            for history, (code, result, _, _, stderr) in together(commands).items():
                if code != 0 or result is None:
                    raise SystemExit(f"sluice bench limiter failed (exit {code}):\n{stderr[-3000:]}")
                entry[history] = result["permits_per_second"]
                entry[f"cpu_{history}"] = result["cpu_micros_per_permit"]
                if history == "on":
                    entry["history_percent"] = result["history_percent"]
            entry["load_average"] = harness.machine()["load_average_1_5_15"]
            harness.log(f"round {rep + 1}, N={n}: history on {entry['on']:.0f}, off {entry['off']:.0f} permits/s; "
                        f"{entry['history_percent']:.2f}% of the loop spent counting")
            rounds.append(entry)
    return rounds


def together(commands):
    """Starts every sluice command of ``commands`` (name → (args, env)) at once and waits for all;
    returns name → (exit code, last JSON line or None, wall seconds, CPU seconds of the process and
    its children, stderr)."""
    spawned = {name: harness.spawn(args, env) for name, (args, env) in commands.items()}
    results = {}

    def reap(name, process, started, out, err):
        code, cpu, _, _, stderr, result = harness.reap(process, out, err)
        results[name] = (code, result, time.monotonic() - started, cpu, stderr)

    threads = [threading.Thread(target=reap, args=(name, *s)) for name, s in spawned.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def counting_alone(db):
    code, result, _, stderr = harness.sluice(["bench", "counting"], dict(db["env"], SLUICE_HISTORY="on"))
    if code != 0 or result is None:
        raise SystemExit(f"sluice bench counting failed (exit {code}):\n{stderr[-3000:]}")
    harness.log(f"counting alone: {result['on_nanos']['median']:.1f} CPU ns per permit on, "
                f"{result['off_nanos']['median']:.1f} off")
    return result


def run_rounds(db, tmp, runs):
    """Each round runs both contenders at the same time, each on its own partition (swapped every
    round), so both see the same co-runners."""
    sandbox = harness.Sandbox("--limit", "none", "--records-per-partition", str(RECORDS))
    try:
        spec = harness.job_spec(tmp, "bench_history", PAGE_SIZE, "bench-history-run", "100000/1s")
        base = dict(db["env"], BENCH_API=sandbox.url)
        for partition in PARTITIONS:  # creates the table, warms the page cache
            one_run(spec, partition, dict(base, SLUICE_HISTORY="on"))
        out = []
        for i in range(runs):
            entry = {"round": i + 1}
            partitions = PARTITIONS if i % 2 == 0 else PARTITIONS[::-1]
            commands = {history: (run_args(spec, partition), dict(base, SLUICE_HISTORY=history))
                        for history, partition in zip(("on", "off"), partitions)}
            for history, (code, result, seconds, cpu, stderr) in together(commands).items():
                if code != 0 or result is None:
                    raise SystemExit(f"sluice run failed (exit {code}):\n{stderr[-3000:]}")
                entry[history] = {"wall_s": round(seconds, 3), "duration_ms": result["duration_ms"], "cpu_s": round(cpu, 3),
                                  "api_calls": result["api_calls"]}
            entry["load_average"] = harness.machine()["load_average_1_5_15"]
            harness.log(f"run {i + 1}: history on {entry['on']['wall_s']:.2f} s, off {entry['off']['wall_s']:.2f} s")
            out.append(entry)
        return out
    finally:
        sandbox.stop()


def run_args(spec, partition):
    return ["run", "--job", str(spec), "--partition", partition, "--force"]


def one_run(spec, partition, env):
    code, result, _, stderr = harness.sluice(run_args(spec, partition), env)
    if code != 0 or result is None:
        raise SystemExit(f"sluice run failed (exit {code}):\n{stderr[-3000:]}")


def db_rows(db):
    done = subprocess.run([PSQL, "-qAt", "-h", "127.0.0.1", "-p", str(db["port"]), "-U", "postgres", "-d", "postgres",
                           "-c", "SELECT count(*) || ' rows, ' || coalesce(sum(calls), 0) || ' calls' "
                                 "FROM sluice_limit_series"], capture_output=True, text=True)
    return done.stdout.strip() or done.stderr.strip()


def overhead(on, off):
    """The history's cost in percent: for rates (permits/s) the drop, for times the increase."""
    return round(100.0 * (off - on) / off, 2)


def summarise_limiter(rounds, counts):
    out = {}
    for n in counts:
        mine = [r for r in rounds if r["n"] == n]
        on = statistics.median(r["on"] for r in mine)
        off = statistics.median(r["off"] for r in mine)
        paired = [overhead(r["on"], r["off"]) for r in mine]
        out[str(n)] = {"on": harness.summary([r["on"] for r in mine]), "off": harness.summary([r["off"] for r in mine]),
                       "cost_percent_of_medians": overhead(on, off), "cost_percent_per_round": harness.summary(paired),
                       "history_percent_of_loop": harness.summary([r["history_percent"] for r in mine]),
                       "cpu_on": harness.summary([r["cpu_on"] for r in mine]),
                       "cpu_off": harness.summary([r["cpu_off"] for r in mine]),
                       "cpu_cost_percent_of_medians": -overhead(statistics.median(r["cpu_on"] for r in mine),
                                                                statistics.median(r["cpu_off"] for r in mine))}
    return out


def summarise_runs(runs):
    out = {}
    for key in ("wall_s", "duration_ms", "cpu_s"):
        on = statistics.median(r["on"][key] for r in runs)
        off = statistics.median(r["off"][key] for r in runs)
        out[key] = {"on": harness.summary([r["on"][key] for r in runs]),
                    "off": harness.summary([r["off"][key] for r in runs]),
                    "cost_percent_of_medians": -overhead(on, off),
                    "cost_percent_per_round": harness.summary([-overhead(r["on"][key], r["off"][key]) for r in runs])}
    return out


def cell(s, pattern="{:,.0f}"):
    return f"{pattern.format(s['median'])} ({pattern.format(s['min'])}-{pattern.format(s['max'])})"


def markdown(data):
    lines = ["# What the shared history costs (SLUICE_HISTORY=on vs off)", "",
             f"Machine: {harness.machine_line(data['machine_before'])}  ",
             f"After: load average {' '.join(f'{x:.2f}' for x in data['machine_after']['load_average_1_5_15'])}  ",
             "Both contenders run at the same time in each round (on a shared VM, windows taken one after the other differed by up to ±30%); one embedded PostgreSQL. Cells: median "
             "(min-max). Cost = how much lower permits/s, or how much longer a run, with the history on; "
             f"target < {TARGET_PERCENT:.0f}% (issue 9, Overhead). Negative costs are noise in the history's favour.", "",
             f"Limiter ceiling: `sluice bench limiter`, {data['seconds']} s windows, {data['repetitions']} rounds; "
             f"each permit counted in the history as the call gate counts a call; rate {CEILING_RATE}, far above "
             "what the limiter hands out, so the rate never paces the loop. Permits/s falls with anything else "
             "the machine runs; CPU per permit (the worker processes' user + system time over the window, every "
             "thread and the GC included, divided by their permits) does not, so its cost is the figure to read "
             "on a busy machine.", "",
             "| N | CPU µs per permit, history on | CPU µs per permit, history off | CPU cost (medians) "
             "| permits/s, history on | permits/s, history off | cost (medians) | cost per round "
             "| time counting, share of the loop (measured inside it) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, s in data["limiter_summary"].items():
        lines.append(f"| {n} | {cell(s['cpu_on'], '{:.2f}')} | {cell(s['cpu_off'], '{:.2f}')} | "
                     f"{s['cpu_cost_percent_of_medians']:.1f}% | {cell(s['on'])} | {cell(s['off'])} | "
                     f"{s['cost_percent_of_medians']:.1f}% | "
                     f"{cell(s['cost_percent_per_round'], '{:.1f}')}% | "
                     f"{cell(s['history_percent_of_loop'], '{:.2f}')}% |")
    c = data["counting"]
    lines += ["", f"The counting path alone (`sluice bench counting`): {c['rounds']} alternating rounds of "
              f"{c['permits_per_round']:,} permits, each counted as the call gate counts one (its wait, then the call); "
              "CPU ns of the counting thread per permit, so other work on the machine does not count.", "",
              "| history on | history off | counting costs |", "|---:|---:|---:|",
              f"| {cell(c['on_nanos'], '{:.1f}')} ns | {cell(c['off_nanos'], '{:.1f}')} ns | {c['cost_nanos']:.1f} ns per permit |"]
    r = data["runs_summary"]
    lines += ["", f"A run's wall time: `sluice run --force` of one partition ({RECORDS} orders, page size {PAGE_SIZE}: "
              f"{RECORDS // PAGE_SIZE} calls), both contenders at once on two partitions (swapped every round), sandbox "
              "without a rate limit, job limit 100000/1s; "
              f"{len(data['runs'])} runs per contender.", "",
              "| measure | history on | history off | cost (medians) | cost per round |", "|---|---:|---:|---:|---:|",
              f"| process wall time, s | {cell(r['wall_s']['on'], '{:.2f}')} | {cell(r['wall_s']['off'], '{:.2f}')} | "
              f"{r['wall_s']['cost_percent_of_medians']:.1f}% | {cell(r['wall_s']['cost_percent_per_round'], '{:.1f}')}% |",
              f"| run duration_ms | {cell(r['duration_ms']['on'])} | {cell(r['duration_ms']['off'])} | "
              f"{r['duration_ms']['cost_percent_of_medians']:.1f}% | "
              f"{cell(r['duration_ms']['cost_percent_per_round'], '{:.1f}')}% |",
              f"| process CPU (user + system), s | {cell(r['cpu_s']['on'], '{:.2f}')} | {cell(r['cpu_s']['off'], '{:.2f}')} | "
              f"{r['cpu_s']['cost_percent_of_medians']:.1f}% | {cell(r['cpu_s']['cost_percent_per_round'], '{:.1f}')}% |",
              "", f"sluice_limit_series afterwards: {data['series_rows_written']}."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
