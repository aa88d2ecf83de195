package dev.sluice.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class OwnersTest {
    /** A pid that belonged to a process that has exited. */
    private static long deadPid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void a_dead_process_of_this_host_is_gone() throws Exception {
        assertThat(Owners.goneFrom(deadPid() + "@box-a/1234abcd", "box-a")).isTrue();
    }

    @Test
    void a_dead_pid_recorded_by_another_host_identity_is_left_to_the_ttl() throws Exception {
        // Two Airflow workers on one machine with different SLUICE_HOST: the pid is not ours to judge.
        assertThat(Owners.goneFrom(deadPid() + "@worker-2/1234abcd", "worker-1"))
                .isFalse();
    }

    @Test
    void a_live_process_is_not_gone() {
        long self = ProcessHandle.current().parent().orElseThrow().pid();
        assertThat(Owners.goneFrom(self + "@box-a/1234abcd", "box-a")).isFalse();
    }

    @Test
    void sluice_host_names_the_host_else_the_jvm_host_name() {
        assertThat(Owners.host(" worker-2 ")).isEqualTo("worker-2");
        String jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
        assertThat(Owners.host(null)).isEqualTo(jvm.substring(jvm.indexOf('@') + 1));
        assertThat(Owners.host("  ")).isEqualTo(Owners.host(null));
        assertThat(Owners.newOwner()).matches(ProcessHandle.current().pid() + "@" + Owners.host(null) + "/[0-9a-f]{8}");
    }

    @Test
    void malformed_owners_are_never_gone() {
        assertThat(Owners.goneFrom("nonsense", "box-a")).isFalse();
        assertThat(Owners.goneFrom("x@box-a/1", "box-a")).isFalse();
    }
}
