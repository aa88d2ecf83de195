package dev.sluice.lease;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/**
 * Who holds a lease: {@code pid@host/id}. When a new attempt runs on the same host as the holder
 * and that process is gone (killed, OOM), the lease is taken over at once instead of after its
 * TTL. Hosts differ between containers, so across containers and machines only the TTL counts.
 *
 * <p>The host is the JVM's host name, or {@code SLUICE_HOST} when set: workers that share a
 * machine but must count as different hosts (several Airflow workers on one box, each with its
 * own process table in production, such as containers with host networking) set it, so a lease
 * of another worker's dead process waits for its TTL instead of being judged by a pid that
 * means nothing here.
 */
public final class Owners {
    private static final String PID = Long.toString(ProcessHandle.current().pid());
    private static final String HOST = host(System.getenv("SLUICE_HOST"));

    private Owners() {}

    /** A new owner id for this process. */
    public static String newOwner() {
        return PID + "@" + HOST + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This process's host identity: {@code configured} when set, else the JVM's host name. */
    static String host(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        // What the JVM's RuntimeMXBean names (pid@hostname) without loading JMX for it (~5% of a run's start).
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** True only when {@code owner} is a process of this host that no longer exists. */
    public static boolean goneFromThisHost(String owner) {
        return goneFrom(owner, HOST);
    }

    static boolean goneFrom(String owner, String thisHost) {
        int at = owner.indexOf('@');
        int slash = owner.lastIndexOf('/');
        if (at < 1 || slash < at) {
            return false;
        }
        if (!owner.substring(at + 1, slash).equals(thisHost)) {
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
