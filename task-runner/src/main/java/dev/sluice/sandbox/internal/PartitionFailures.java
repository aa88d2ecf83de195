package dev.sluice.sandbox.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Partitions whose next K admitted requests fail: "partition X fails on its first try". */
final class PartitionFailures {
    private final Map<String, AtomicInteger> remaining = new ConcurrentHashMap<>();

    void set(String partition, int times) {
        remaining.put(partition, new AtomicInteger(times));
    }

    void setAll(Map<String, Integer> failFirst) {
        remaining.clear();
        failFirst.forEach(this::set);
    }

    /** True, and one fewer to go, if this request for the partition must fail. */
    boolean failNext(String partition) {
        AtomicInteger left = partition == null ? null : remaining.get(partition);
        return left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }
}
