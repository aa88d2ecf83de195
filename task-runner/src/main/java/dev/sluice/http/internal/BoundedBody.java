package dev.sluice.http.internal;

import dev.sluice.http.ResponseBody;
import java.io.IOException;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.IntPredicate;

/**
 * Reads a response body within a size bound: a {@code Content-Length} over the bound is refused
 * before a byte is read; otherwise bytes are counted as they arrive and the exchange is cancelled
 * (closing the connection) as soon as they pass it. Bytes are copied into compact blocks, so a body
 * that arrives in tiny pieces costs its size, not the client's buffers it came in.
 */
public final class BoundedBody implements BodySubscriber<ResponseBody> {
    private static final int BLOCK = 64 * 1024;

    private final long limit;
    private final CompletableFuture<ResponseBody> result = new CompletableFuture<>();
    private final List<byte[]> blocks = new ArrayList<>();
    private Flow.Subscription subscription;
    private byte[] block;
    private int filled;
    private long size;
    private boolean over;

    private BoundedBody(long limit) {
        this.limit = limit;
    }

    /** The body was bigger than the bound. */
    public static final class TooLarge extends IOException {
        private final long bytes;
        private final boolean declared;

        TooLarge(long bytes, boolean declared) {
            super(declared ? "Content-Length " + bytes + " is over the bound" : "over " + bytes + " bytes arrived");
            this.bytes = bytes;
            this.declared = declared;
        }

        /** The declared length, or the bytes counted when reading stopped. */
        public long bytes() {
            return bytes;
        }

        /** True when {@code Content-Length} said so before anything was read. */
        public boolean declared() {
            return declared;
        }
    }

    /**
     * @param limit the largest body accepted, in bytes
     * @param skip  statuses whose body is not read at all (redirects that are followed)
     */
    public static BodyHandler<ResponseBody> handler(long limit, IntPredicate skip) {
        return info -> {
            if (skip.test(info.statusCode())) {
                return refusing(null);
            }
            OptionalLong declared =
                    contentLength(info.headers().firstValue("Content-Length").orElse(null));
            if (declared.isPresent() && declared.getAsLong() > limit) {
                return refusing(new TooLarge(declared.getAsLong(), true));
            }
            return new BoundedBody(limit);
        };
    }

    private static OptionalLong contentLength(String header) {
        try {
            return header == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // the client itself refuses a malformed length
        }
    }

    /** Cancels at once (closing the connection): fails with {@code failure}, or yields an empty body. */
    private static BodySubscriber<ResponseBody> refusing(TooLarge failure) {
        CompletableFuture<ResponseBody> done = new CompletableFuture<>();
        return new BodySubscriber<>() {
            @Override
            public CompletionStage<ResponseBody> getBody() {
                return done;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
                if (failure == null) {
                    done.complete(ResponseBody.EMPTY);
                } else {
                    done.completeExceptionally(failure);
                }
            }

            @Override
            public void onNext(List<ByteBuffer> item) {}

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(ResponseBody.EMPTY);
            }
        };
    }

    @Override
    public CompletionStage<ResponseBody> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer item : items) {
            if (over) {
                return;
            }
            size += item.remaining();
            if (size > limit) {
                over = true;
                blocks.clear();
                block = null;
                subscription.cancel();
                result.completeExceptionally(new TooLarge(size, false));
                return;
            }
            copy(item);
        }
    }

    private void copy(ByteBuffer item) {
        while (item.hasRemaining()) {
            if (block == null || filled == block.length) {
                block = new byte[BLOCK];
                filled = 0;
                blocks.add(block);
            }
            int n = Math.min(item.remaining(), block.length - filled);
            item.get(block, filled, n);
            filled += n;
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        if (block != null && filled < block.length) {
            blocks.set(blocks.size() - 1, Arrays.copyOf(block, filled));
        }
        result.complete(ResponseBody.ofBlocks(blocks));
    }
}
