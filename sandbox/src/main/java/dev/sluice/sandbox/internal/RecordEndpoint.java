package dev.sluice.sandbox.internal;

import java.util.Locale;

/** The per-record endpoints, named as the ground truth names them. */
enum RecordEndpoint {
    /** {@code POST /v1/customers/{id}/enrichment}. */
    ENRICH,
    /** {@code GET /v1/customers/{id}/enrichment}. */
    CHECK,
    /** {@code GET /v1/customers/{id}}. */
    LOOKUP;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This endpoint and {@code status} in one number: endpoint * 1000 + status. */
    int code(int status) {
        return ordinal() * 1000 + status;
    }

    static RecordEndpoint of(int code) {
        return values()[code / 1000];
    }
}
