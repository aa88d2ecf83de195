package dev.sluice.http;

import java.util.Set;

/**
 * How a call's answer is judged by its status. By default 2xx is done, 429 is the API asking to
 * slow down, 408 and 5xx are worth retrying, and anything else refuses the request itself. A
 * per-record call lists its own: {@code done: [200, 201]}, {@code reject: [404, 409, 422]}.
 *
 * @param done   statuses that are the answer (null: every 2xx)
 * @param reject statuses that refuse the request, so retrying cannot help (null: 4xx other than
 *               408 and 429, and every status no other rule claims)
 * @param retry  more statuses worth retrying besides 408 and 5xx, e.g. 409 for an API that
 *               answers it while a resource is locked (null: none)
 */
public record StatusRules(Set<Integer> done, Set<Integer> reject, Set<Integer> retry) {
    /** 2xx done; 429 rate limited; 408 and 5xx retried; the rest rejected. */
    public static final StatusRules DEFAULT = new StatusRules(null, null, null);

    /** Done and rejected statuses of its own, the default retries. */
    public StatusRules(Set<Integer> done, Set<Integer> reject) {
        this(done, reject, null);
    }

    /** What an answer means for the call. */
    public enum Verdict {
        /** The answer: parse it. */
        DONE,
        /** The API refused the request itself: no retry. */
        REJECT,
        /** The API could not answer now (408, 5xx): retry with backoff; the breaker counts it. */
        RETRY,
        /** 429: retry no sooner than the API says; everyone sharing the limits pauses. */
        RATE_LIMITED
    }

    public StatusRules {
        done = done == null ? null : Set.copyOf(done);
        reject = reject == null ? null : Set.copyOf(reject);
        retry = retry == null ? null : Set.copyOf(retry);
    }

    /** The verdict on {@code status}: done first, then the explicit rejects, then the defaults. */
    public Verdict verdict(int status) {
        if (done == null ? status >= 200 && status < 300 : done.contains(status)) {
            return Verdict.DONE;
        }
        if (reject != null && reject.contains(status)) {
            return Verdict.REJECT;
        }
        if (status == 429) {
            return Verdict.RATE_LIMITED;
        }
        if (retry != null && retry.contains(status)) {
            return Verdict.RETRY;
        }
        if (status == 408 || (status >= 500 && status < 600)) {
            return Verdict.RETRY;
        }
        return Verdict.REJECT;
    }
}
