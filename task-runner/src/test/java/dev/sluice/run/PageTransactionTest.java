package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.db.Database;
import dev.sluice.db.PipelineStatement;
import dev.sluice.job.JobSpecLoader;
import dev.sluice.lease.AttemptInfo;
import dev.sluice.lease.FencedException;
import dev.sluice.lease.Lease;
import dev.sluice.lease.Leases;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.sink.SinkStatement;
import dev.sluice.source.Page;
import dev.sluice.testing.TestPostgres;
import dev.sluice.watermark.WatermarkStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The page transaction on a real PostgreSQL: the epoch fence folded into the watermark update, and
 * the retry path (a failure mid-page leaves nothing behind; the retry writes the page once).
 */
class PageTransactionTest {
    private static final Duration TTL = Duration.ofMillis(300);
    private static Database db;
    private final Leases leases = new Leases(db.jdbi(), TTL);
    private final PageTransaction pages = new PageTransaction(db.jdbi(), new WatermarkStore(TTL), 10);

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("page_tx");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void a_stale_epoch_commits_nothing_and_leaves_rows_and_watermark_as_they_were() {
        Sink sink = sink("fenced");
        Lease zombie = claim("fenced", "a");
        pages.commit(zombie, page(0, 100, false), null, sink, "t", () -> {});
        await().atMost(Duration.ofSeconds(30))
                .until(() -> leases.claim("job", "fenced", new Leases.Start.Resume(), attempt("b"))
                        instanceof Leases.Claim.Claimed);
        Map<String, Object> before = partition("fenced");

        Page second = withBadRecord(page(100, 100, false));
        assertThatThrownBy(() -> pages.commit(zombie, second, mark(100), sink, "t", () -> {}))
                .isInstanceOf(FencedException.class)
                .hasMessageContaining("epoch 2 now owns the partition");

        assertThat(count("SELECT count(*) FROM fenced")).isEqualTo(100);
        assertThat(count("SELECT count(*) FROM fenced WHERE id >= 'r0100'")).isZero();
        assertThat(partition("fenced")).isEqualTo(before);
        assertThat(partition("fenced")).containsEntry("watermark", "{\"at\": 100}");
        assertThat(count("SELECT count(*) FROM sluice_dead_letter WHERE partition_key = 'fenced'"))
                .isZero();
        assertThat(count("SELECT pages FROM sluice_attempt WHERE partition_key = 'fenced' AND epoch = 1"))
                .isEqualTo(1);
    }

    @Test
    void a_serialization_failure_mid_page_leaves_nothing_and_the_retry_writes_the_page_once() {
        FailingOnce sink = new FailingOnce(sink("serial"), "serial");
        Lease lease = claim("serial", "a");

        SinkResult result = pages.commit(lease, withBadRecord(page(0, 100, false)), null, sink, "t", () -> {});

        assertThat(sink.tries).isEqualTo(2);
        assertThat(sink.seenBeforeRetry).containsExactly(0L, 0L, 0L);
        assertThat(result.rows()).isEqualTo(100);
        assertWrittenOnce("serial", 100, 1);
    }

    @Test
    void a_page_without_dead_letters_goes_in_one_round_trip_without_begin_or_commit() {
        Sink sink = sink("oneway");
        Lease lease = claim("oneway", "a");
        StatementLog log = new StatementLog();
        PageTransaction counted = new PageTransaction(log.jdbi(), new WatermarkStore(TTL), 10);

        SinkResult result = counted.commit(lease, page(0, 100, false), null, sink, "t", () -> {});

        assertThat(result.rows()).isEqualTo(100);
        assertThat(log.prepared).hasSize(1);
        assertThat(log.prepared.getFirst())
                .startsWith("SELECT sluice_advance_page_or_refuse(")
                .contains(";\nSELECT _sluice_write_");
        assertThat(log.executions).isEqualTo(1);
        assertThat(log.commits).isZero();
        assertThat(log.transactionsBegun).isZero();
        assertWrittenOnce("oneway", 100, 0);
    }

    @Test
    void in_the_one_round_trip_a_failure_after_the_rows_takes_rows_and_watermark_back_and_the_retry_writes_once() {
        FailingOnce sink = new FailingOnce(sink("serial1"), "serial1");
        Lease lease = claim("serial1", "a");

        SinkResult result = pages.commit(lease, page(0, 100, false), null, sink, "t", () -> {});

        assertThat(sink.tries).isEqualTo(2);
        assertThat(sink.seenBeforeRetry).containsExactly(0L, 0L, 0L); // rows, pages, dead letters
        assertThat(result.rows()).isEqualTo(100);
        assertWrittenOnce("serial1", 100, 0);
    }

    @Test
    void in_the_one_round_trip_a_permanent_failure_after_the_rows_commits_nothing() {
        FailingOnce sink = new FailingOnce(
                sink("broken1"), "broken1", "DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = 'SLT01'; END $$");
        Lease lease = claim("broken1", "a");

        assertThatThrownBy(() -> pages.commit(lease, page(0, 100, false), null, sink, "t", () -> {}))
                .hasStackTraceContaining("injected");

        assertThat(sink.tries).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM broken1")).isZero();
        assertThat(partition("broken1")).containsEntry("pages", 0L).containsEntry("watermark", null);
    }

    @Test
    void a_connection_cut_in_the_one_round_trip_leaves_nothing_and_the_retry_writes_the_page_once() {
        FailingOnce sink = new FailingOnce(sink("cut1"), "cut1", "SELECT pg_terminate_backend(pg_backend_pid())");
        Lease lease = claim("cut1", "a");

        SinkResult result = pages.commit(lease, page(0, 100, false), null, sink, "t", () -> {});

        assertThat(sink.tries).isEqualTo(2);
        assertThat(sink.seenBeforeRetry).containsExactly(0L, 0L, 0L);
        assertThat(result.rows()).isEqualTo(100);
        assertWrittenOnce("cut1", 100, 0);
    }

    @Test
    void a_page_sent_again_after_its_one_round_trip_went_through_is_not_written_twice() {
        Sink sink = sink("twice1");
        Lease lease = claim("twice1", "a");
        pages.commit(lease, page(0, 100, false), null, sink, "t", () -> {});

        // What the retry does when the answer to the round trip was lost although it committed.
        SinkResult again = pages.commit(lease, page(0, 100, false), null, sink, "t", () -> {});

        assertThat(again.rows()).isEqualTo(100);
        assertWrittenOnce("twice1", 100, 0);
    }

    @Test
    void a_stale_epoch_in_the_one_round_trip_commits_nothing() {
        Sink sink = sink("fenced1");
        Lease zombie = claim("fenced1", "a");
        pages.commit(zombie, page(0, 100, false), null, sink, "t", () -> {});
        await().atMost(Duration.ofSeconds(30))
                .until(() -> leases.claim("job", "fenced1", new Leases.Start.Resume(), attempt("b"))
                        instanceof Leases.Claim.Claimed);
        Map<String, Object> before = partition("fenced1");

        assertThatThrownBy(() -> pages.commit(zombie, page(100, 100, false), mark(100), sink, "t", () -> {}))
                .isInstanceOf(FencedException.class)
                .hasMessageContaining("epoch 2 now owns the partition");

        assertThat(count("SELECT count(*) FROM fenced1")).isEqualTo(100);
        assertThat(partition("fenced1")).isEqualTo(before);
    }

    @Test
    void a_connection_lost_before_commit_leaves_nothing_and_the_retry_writes_the_page_once() {
        Sink sink = sink("lost");
        Lease lease = claim("lost", "a");
        List<Long> seen = new ArrayList<>();
        Runnable killOnce = () -> {
            if (seen.isEmpty()) {
                seen.add(terminateOwnConnection());
            }
        };

        SinkResult result = pages.commit(lease, withBadRecord(page(0, 100, false)), null, sink, "t", killOnce);

        assertThat(seen).containsExactly(1L);
        assertThat(result.rows()).isEqualTo(100);
        assertWrittenOnce("lost", 100, 1);
    }

    @Test
    void a_page_whose_commit_already_went_through_is_not_written_twice() {
        Sink sink = sink("twice");
        Lease lease = claim("twice", "a");
        Page first = withBadRecord(page(0, 100, false));
        pages.commit(lease, first, null, sink, "t", () -> {});

        // What the retry after a COMMIT whose answer was lost does: the same page, from the same position.
        SinkResult again = pages.commit(lease, first, null, sink, "t", () -> {});

        assertThat(again.rows()).isEqualTo(100);
        assertWrittenOnce("twice", 100, 1);
    }

    @Test
    void keys_already_in_the_table_fail_the_plain_insert_and_the_page_is_upserted_once() {
        Lease first = claim("again", "a");
        pages.commit(first, page(0, 100, true), null, sink("again"), "t", () -> {});
        leases.release(first, new Leases.Ending("done", "done", 0, null, 1));
        Lease forced =
                ((Leases.Claim.Claimed) leases.claim("job", "again", new Leases.Start.Force(), attempt("b"))).lease();

        Page changed = new Page(
                page(0, 100, true).records().stream()
                        .map(r -> (JsonNode) ((ObjectNode) r.deepCopy()).put("amount", 7))
                        .toList(),
                mark(100),
                true);
        SinkResult result = pages.commit(forced, changed, null, sink("again"), "t", () -> {});

        assertThat(result.rows()).isEqualTo(100);
        assertThat(count("SELECT count(*) FROM again WHERE amount = 7 AND _sluice_attempt = 2"))
                .isEqualTo(100);
        assertThat(count("SELECT count(*) FROM again")).isEqualTo(100);
        assertThat(partition("again")).containsEntry("pages", 1L).containsEntry("records", 100L);
    }

    @Test
    void the_dead_letter_limit_refuses_the_page_whole() {
        Sink sink = sink("limit");
        Lease lease = claim("limit", "a");
        Page many = page(0, 20, false);
        List<JsonNode> records = new ArrayList<>(many.records());
        IntStream.range(0, 11)
                .forEach(i -> records.add(Json.MAPPER.createObjectNode().put("amount", i)));

        assertThatThrownBy(() -> pages.commit(lease, new Page(records, mark(31), false), null, sink, "t", () -> {}))
                .hasMessageContaining("has 11 dead letters, more than dead_letters.max = 10");

        assertThat(count("SELECT count(*) FROM limit_t")).isZero();
        assertThat(partition("limit")).containsEntry("pages", 0L).containsEntry("watermark", null);
        assertThat(count("SELECT count(*) FROM sluice_dead_letter WHERE partition_key = 'limit'"))
                .isZero();
    }

    private void assertWrittenOnce(String partition, int rows, int deadLetters) {
        assertThat(count("SELECT count(*) FROM " + table(partition))).isEqualTo(rows);
        assertThat(count("SELECT count(*) FROM " + table(partition) + " WHERE _sluice_attempt = 1"))
                .isEqualTo(rows);
        assertThat(partition(partition))
                .containsEntry("pages", 1L)
                .containsEntry("records", (long) rows)
                .containsEntry("dead_letters", (long) deadLetters)
                .containsEntry("watermark", "{\"at\": " + rows + "}");
        assertThat(count("SELECT pages FROM sluice_attempt WHERE partition_key = '" + partition + "' AND epoch = 1"))
                .isEqualTo(1);
        assertThat(count("SELECT records FROM sluice_attempt WHERE partition_key = '" + partition + "' AND epoch = 1"))
                .isEqualTo(rows);
        assertThat(count("SELECT count(*) FROM sluice_dead_letter WHERE partition_key = '" + partition + "'"))
                .isEqualTo(deadLetters);
    }

    /** After the sink's rows, in the same round trip: the server aborts the transaction (SQLSTATE 40001). */
    private static final String SERIALIZATION_FAILURE =
            "DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '40001'; END $$";

    /**
     * A sink whose statement, on the first try, runs {@code injected} on the server after its rows
     * (in the same pipeline): a failure there must take the rows and the watermark update back.
     */
    private static final class FailingOnce implements Sink {
        private final Sink sink;
        private final String partition;
        private final String injected;
        int tries;
        final List<Long> seenBeforeRetry = new ArrayList<>();

        FailingOnce(Sink sink, String partition) {
            this(sink, partition, SERIALIZATION_FAILURE);
        }

        FailingOnce(Sink sink, String partition, String injected) {
            this.sink = sink;
            this.partition = partition;
            this.injected = injected;
        }

        @Override
        public void prepare(Handle handle) {
            sink.prepare(handle);
        }

        @Override
        public SinkResult write(Handle transaction, SinkBatch batch) {
            throw new AssertionError("the page transaction sends the sink's statement");
        }

        @Override
        public Optional<SinkStatement> statement(SinkBatch batch) {
            if (++tries > 1) {
                seenBeforeRetry.add(count("SELECT count(*) FROM " + table(partition)));
                seenBeforeRetry.add((Long) partition(partition).get("pages"));
                seenBeforeRetry.add(
                        count("SELECT count(*) FROM sluice_dead_letter WHERE partition_key = '" + partition + "'"));
            }
            SinkStatement real = sink.statement(batch).orElseThrow();
            return Optional.of(
                    tries > 1
                            ? real
                            : new SinkStatement(failingAfter(real.statement()), real.rows(), real.deadLetters()));
        }

        private PipelineStatement failingAfter(PipelineStatement real) {
            return new PipelineStatement() {
                @Override
                public String sql() {
                    return real.sql() + ";\n" + injected;
                }

                @Override
                public int bind(PreparedStatement statement, int first) throws SQLException {
                    return real.bind(statement, first);
                }
            };
        }
    }

    /** What a page transaction asks of JDBC: statements prepared and executed, transactions begun and committed. */
    private static final class StatementLog {
        final List<String> prepared = new ArrayList<>();
        int executions;
        int commits;
        int transactionsBegun;

        Jdbi jdbi() {
            DataSource real = db.dataSource();
            DataSource counting = (DataSource) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                        Object out = invoke(real, method, args);
                        return method.getName().equals("getConnection") ? connection((Connection) out) : out;
                    });
            return Jdbi.create(counting);
        }

        private Connection connection(Connection real) {
            return (Connection) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "commit" -> commits++;
                            case "setAutoCommit" -> transactionsBegun += Boolean.FALSE.equals(args[0]) ? 1 : 0;
                            case "prepareStatement" -> prepared.add((String) args[0]);
                            default -> {}
                        }
                        Object out = invoke(real, method, args);
                        return method.getName().equals("prepareStatement") ? statement((PreparedStatement) out) : out;
                    });
        }

        private PreparedStatement statement(PreparedStatement real) {
            return (PreparedStatement) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                        if (method.getName().startsWith("execute")) {
                            executions++;
                        }
                        return invoke(real, method, args);
                    });
        }

        private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /**
     * Ends the page transaction's connection from another one, as a failover or a network cut
     * would; runs inside the page transaction (Jdbi lends this thread's handle to nested calls).
     */
    private static long terminateOwnConnection() {
        long pid = db.jdbi()
                .withHandle(h -> h.createQuery("SELECT pg_backend_pid()")
                        .mapTo(Long.class)
                        .one());
        return outside("SELECT count(*) FROM (SELECT pg_terminate_backend(" + pid + ", 10000)) AS t");
    }

    /** A query on a connection of its own, outside any page transaction: what others see. */
    private static long outside(String sql) {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Lease claim(String partition, String owner) {
        return ((Leases.Claim.Claimed) leases.claim("job", partition, new Leases.Start.Resume(), attempt(owner)))
                .lease();
    }

    private static AttemptInfo attempt(String owner) {
        return new AttemptInfo(owner, "dag", "run", 1, 0, "trace");
    }

    private static Sink sink(String partition) {
        Sink sink = new JobSpecLoader(Map.of())
                .load("t.yaml", """
                        job: job
                        partitions: {type: list, values: [p]}
                        source: {type: http, url: "http://127.0.0.1:1/x"}
                        sink:
                          type: postgres
                          table: %s
                          key: [id]
                          columns:
                            id: {path: $.id, type: text}
                            amount: {path: $.amount, type: bigint}
                        """.formatted(table(partition)))
                .sink()
                .open("job");
        db.jdbi().useHandle(sink::prepare);
        return sink;
    }

    private static String table(String partition) {
        return partition.equals("limit") ? "limit_t" : partition;
    }

    /** Records {@code r<from>..} with their position as the watermark after the page. */
    private static Page page(int from, int records, boolean last) {
        List<JsonNode> out = IntStream.range(from, from + records)
                .mapToObj(i -> (JsonNode) Json.MAPPER
                        .createObjectNode()
                        .put("id", "r%04d".formatted(i))
                        .put("amount", i))
                .toList();
        return new Page(out, mark(from + records), last);
    }

    /** The page plus a record without a key (a dead letter); the watermark moves past it. */
    private static Page withBadRecord(Page page) {
        List<JsonNode> records = new ArrayList<>(page.records());
        records.add(Json.MAPPER.createObjectNode().put("amount", -1));
        int end = page.next().get("at").asInt();
        return new Page(records, mark(end), page.last());
    }

    private static JsonNode mark(int at) {
        return Json.MAPPER.createObjectNode().put("at", at);
    }

    private static long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private static Map<String, Object> partition(String partition) {
        return db.jdbi()
                .withHandle(
                        h -> h.createQuery("""
                        SELECT watermark::text AS watermark, pages, records, dead_letters, epoch
                        FROM sluice_partition WHERE job = 'job' AND partition_key = :p""").bind("p", partition).mapToMap().one());
    }
}
