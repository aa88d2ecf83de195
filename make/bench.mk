# Benchmarks (bench/): each starts its own embedded PostgreSQL (and sandbox), measures Sluice beside
# its baseline in the same process or script, and writes bench/results/<name>.json and <name>.md.
# They never run at the same time (a lock, also under make -j): each would skew the other.
# See bench/README.md for what each measures and how to read it.
# Options (repetitions, records, windows): run a script directly, e.g. python3 bench/bench_sink.py --help.

BENCH_PYTHON ?= python3
BENCH_RUN := flock /tmp/sluice-bench.lock $(BENCH_PYTHON)

BENCH_TARGETS += bench-sink bench-startup bench-limits bench-limiter bench-history bench-records bench-scale

.PHONY: bench-sink bench-startup bench-limits bench-limiter bench-history bench-records bench-records-heap bench-scale

bench-sink: build ## Sink records/s: the real page path vs raw COPY, page sizes 100 and 1000, first pass and full table (~1 min)
	$(BENCH_RUN) bench/bench_sink.py

bench-startup: build ## A partition's fixed cost: exec to first API request (1 and 8 processes), CPU per start vs --version, peak RSS of 100 000 records (~3 min)
	$(BENCH_RUN) bench/bench_startup.py

bench-limits: build ## Shared limit vs the naive retry script: 8 partitions, one strict 50/s sandbox (~5 min; the naive backoff can double it)
	$(BENCH_RUN) bench/bench_limits.py

bench-limiter: build ## The shared limit's ceiling (1 and 8 processes) vs pgbench hot-row updates (~4 min)
	$(BENCH_RUN) bench/bench_limiter.py

bench-history: build ## What the shared history costs: limiter permits/s and a run's wall time, SLUICE_HISTORY=on vs off, both at once (~5 min)
	$(BENCH_RUN) bench/bench_history.py

bench-records: build ## Per-record calls at L=100/s: Sluice (concurrency 16) vs a sequential loop vs a naive 16-thread pool; memory of a 1M-record file partition (~8 min)
	$(BENCH_RUN) bench/bench_records.py

bench-records-heap: build ## Memory of a 1M-record file partition to its end (peak heap after GC, peak RSS, CPU per record; 20-60 min on 2 CPUs); keeps bench-records' other figures
	$(BENCH_RUN) bench/bench_records.py --only-heap --heap-seconds 3600

bench-scale: build ## 64 `sluice run` processes on one strict 50/s limit beside 8: 429s, utilisation, DB connections (pg_stat_activity), CPU (~6 min)
	$(BENCH_RUN) bench/bench_scale.py
