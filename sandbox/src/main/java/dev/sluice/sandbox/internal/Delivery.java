package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.FaultKind;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Arrays;

/** Sends an admitted request's body, or breaks it as its fault plan says (reset, malformed). */
final class Delivery {
    private final StatsRecorder stats;
    private final InstantSource clock;

    Delivery(StatsRecorder stats, InstantSource clock) {
        this.stats = stats;
        this.clock = clock;
    }

    void send(Context ctx, int status, byte[] body, FaultPlan plan) throws IOException {
        FaultKind fault = plan.fault();
        if (fault == FaultKind.RESET) {
            stats.fault(fault);
            ConnectionReset.abortMidBody(ctx, status, body);
        } else if (fault == FaultKind.MALFORMED) {
            stats.fault(fault);
            Replies.json(ctx, 200, Arrays.copyOf(body, Math.max(1, body.length / 2)));
        } else {
            Replies.json(ctx, status, body);
            stats.servedOk();
        }
        stats.answered(clock.instant());
    }
}
