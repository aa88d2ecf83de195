package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.RecordReport;
import dev.sluice.sandbox.RecordStats;
import dev.sluice.sandbox.RecordsConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The runtime controls of the per-record API and OAuth, for {@code Sandbox} and the admin routes. */
public final class RecordControls {
    private final SandboxState state;

    RecordControls(SandboxState state) {
        this.state = state;
    }

    public RecordReport report(String id) {
        return state.records.report(id);
    }

    public RecordStats summary() {
        return state.records.summary();
    }

    /** Ids whose effect was applied twice or more, sorted, at most {@code limit}. */
    public List<String> appliedTwice(int limit) {
        return state.records.appliedTwice(limit);
    }

    /** Clears the poison and malformed ids; returns the per-record settings now in force. */
    public RecordsConfig fix() {
        return state.reconfigure(c -> c.withRecords(c.records().fixed())).records();
    }

    /** Forgets every record and idempotency key. */
    public void reset() {
        state.records.reset();
    }

    /** Revokes every access token (and refresh token, if asked); returns how many. */
    public int revoke(boolean refreshTokens) {
        state.stats.oauth().revoked();
        return state.tokens.revoke(refreshTokens);
    }

    /** The static token, the OAuth client secret and every token issued: what must never leak. */
    public Set<String> secrets() {
        Set<String> all = new LinkedHashSet<>();
        if (state.live().config().token() != null) {
            all.add(state.live().config().token());
        }
        if (state.live().config().records().oauth().enabled()) {
            all.add(state.live().config().records().oauth().clientSecret());
        }
        all.addAll(state.tokens.issued());
        return all;
    }
}
