#!/usr/bin/env python3
"""The naive resilient client, as the industry writes it: the baseline of bench_limits.py.

Pages through one partition of the sandbox's orders API (cursor pagination) as fast as the API
answers, and retries every 429 after 2**i + random() seconds, i being the retries so far for that
request. No budget shared with the other processes, no Retry-After handling. Other errors are not
retried (the benchmark runs without faults). Prints one JSON line: what it fetched and what it
took; stdlib only.
"""

import argparse
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8089")
    parser.add_argument("--partition", required=True)
    parser.add_argument("--page-size", type=int, default=10)
    parser.add_argument("--max-retries", type=int, default=None, help="give up on a request after this many retries "
                                                                       "(default: never)")
    args = parser.parse_args()
    stats = {"partition": args.partition, "pages": 0, "records": 0, "requests": 0, "http_429": 0,
             "most_retries_for_one_request": 0, "slept_seconds": 0.0}
    started = time.perf_counter()
    cursor = None
    while True:
        query = {"partition": args.partition, "page_size": args.page_size}
        if cursor:
            query["cursor"] = cursor
        body = fetch(f"{args.base_url}/v1/orders?{urllib.parse.urlencode(query)}", args.max_retries, stats)
        stats["pages"] += 1
        stats["records"] += len(body["data"])
        cursor = body.get("next_cursor")
        if not cursor:
            break
    stats["duration_seconds"] = round(time.perf_counter() - started, 3)
    stats["slept_seconds"] = round(stats["slept_seconds"], 3)
    print(json.dumps(stats))


def fetch(url, max_retries, stats):
    """GET with the classic backoff on 429: 2**i + random() seconds."""
    retries = 0
    while True:
        stats["requests"] += 1
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:
            e.close()
            if e.code != 429 or (max_retries is not None and retries >= max_retries):
                raise
            stats["http_429"] += 1
            pause = 2 ** retries + random.random()
            time.sleep(pause)
            stats["slept_seconds"] += pause
            retries += 1
            stats["most_retries_for_one_request"] = max(stats["most_retries_for_one_request"], retries)


if __name__ == "__main__":
    main()
