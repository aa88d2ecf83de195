package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconfigureTest {
    private static final String ORDERS = "/v1/orders?partition=eu";

    @Test
    void reconfigure_changes_limits_faults_and_data_while_running() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits())) {
            Client client = new Client(sandbox);
            sandbox.reconfigure(c -> c.withLimits("1/1h").withRecordsPerPartition(3));

            assertThat(Page.of(client.get(ORDERS).body()).total()).isEqualTo(3);
            assertThat(client.get(ORDERS).statusCode()).isEqualTo(429);
            sandbox.reconfigure(c -> c.withLimits().withFaults(Faults.NONE.withErrorRate(1)));
            assertThat(client.get(ORDERS).statusCode()).isIn(500, 503);
        }
    }

    @Test
    void the_rate_limit_state_survives_a_change_that_keeps_the_limits() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits("2/1h"))) {
            Client client = new Client(sandbox);
            client.get(ORDERS);
            client.get(ORDERS);
            sandbox.reconfigure(c -> c.withFaults(Faults.NONE.withLatency(Duration.ofMillis(1), Duration.ZERO)));

            assertThat(client.get(ORDERS).statusCode()).isEqualTo(429);
        }
    }

    @Test
    void host_and_port_cannot_change_while_running() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults())) {
            assertThatThrownBy(() -> sandbox.reconfigure(c -> c.withPort(1234)))
                    .isInstanceOf(SandboxConfigException.class)
                    .hasMessageContaining("port");
            assertThat(sandbox.config()).isEqualTo(SandboxConfig.defaults());
        }
    }

    @Test
    void reset_stats_zeroes_the_counters_but_keeps_the_rate_limit_state() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits("1/1h"))) {
            Client client = new Client(sandbox);
            client.get(ORDERS);
            sandbox.resetStats();

            assertThat(sandbox.stats().requests()).isZero();
            assertThat(client.get(ORDERS).statusCode()).isEqualTo(429);
            assertThat(sandbox.stats().rateLimited()).isEqualTo(1);
        }
    }
}
