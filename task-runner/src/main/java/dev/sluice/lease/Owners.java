package dev.sluice.lease;

import java.lang.management.ManagementFactory;
import java.util.UUID;

/**
 * Who holds a lease: {@code pid@host/id}. When a new attempt runs on the same host as the holder
 * and that process is gone (killed, OOM), the lease is taken over at once instead of after its
 * TTL. Hosts differ between containers, so across containers and machines only the TTL counts.
 */
public final class Owners {
    private static final String HOST_AND_PID =
            ManagementFactory.getRuntimeMXBean().getName();

    private Owners() {}

    /** A new owner id for this process. */
    public static String newOwner() {
        return HOST_AND_PID + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** True only when {@code owner} is a process of this host that no longer exists. */
    public static boolean goneFromThisHost(String owner) {
        int at = owner.indexOf('@');
        int slash = owner.lastIndexOf('/');
        if (at < 1 || slash < at) {
            return false;
        }
        String host = owner.substring(at + 1, slash);
        if (!host.equals(HOST_AND_PID.substring(HOST_AND_PID.indexOf('@') + 1))) {
            return false;
        }
        try {
            long pid = Long.parseLong(owner.substring(0, at));
            return pid != ProcessHandle.current().pid()
                    && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
