package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.InputJob;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Rule 5 for per-record jobs: {@code sluice validate} refuses a bad spec with 78, naming each
 * field with file:line and the rule, before any call and without touching the database.
 */
class RecordSpecTest {
    @Test
    void validate_refuses_bad_templates_missing_fields_unbound_sql_and_a_post_without_body() {
        try (InputJob job = InputJob.start("record_spec")) {
            Path spec = job.write("bad.yaml", """
                    job: enrich
                    partitions: {type: daily, start: 2026-11-01, end: 2026-11-07}
                    input:
                      type: sql
                      query: SELECT id, email, address FROM customers
                      key: id
                    call:
                      method: POST
                      url: https://api.example.com/v1/customers/{recrod.id}
                      query: {day: "{partition.month}"}
                    sink: {type: postgres, table: out, key: [id], columns: {id: {path: $.record.id}}}
                    """);
            Path put = job.write("put.yaml", """
                    job: enrich
                    partitions: {type: daily, start: 2026-11-01, end: 2026-11-07}
                    input:
                      type: sql
                      query: "SELECT id, email, address FROM customers WHERE day = CAST(:partition AS date)"
                      key: id
                    call:
                      method: PUT
                      url: https://api.example.com/v1/customers/{record.id}
                      body: {mail: "{record.emial}", where: "{record.address}"}
                      in_doubt: maybe
                    sink: {type: postgres, table: out, key: [id], columns: {id: {path: $.record.id}}}
                    """);

            SluiceProcess.Result bad = job.command("validate", "--job", spec.toString());
            SluiceProcess.Result badPut = job.command("validate", "--job", put.toString());

            assertThat(bad.exit()).as(bad.describe()).isEqualTo(78);
            assertThat(bad.json().get("message").asText())
                    .contains("call.method = \"POST\" (" + spec + ":8): POST sends a body: add call.body")
                    .contains("call.url = \"https://api.example.com/v1/customers/{recrod.id}\" (" + spec
                            + ":9): {recrod.id} is not a template variable")
                    .contains("call.query.day = \"{partition.month}\" (" + spec
                            + ":10): {partition.month} is not a variable of this job's partitions")
                    .contains("input.query")
                    .contains("uses no partition variable");
            assertThat(badPut.exit()).as(badPut.describe()).isEqualTo(78);
            assertThat(badPut.json().get("message").asText())
                    .contains(
                            "call.body.mail = \"{record.emial}\" (" + put
                                    + ":10): {record.emial}: the input's records have no field emial; they have address, email, id")
                    .contains("call.in_doubt = \"maybe\" (" + put + ":11): must be resend, check or dead_letter")
                    .doesNotContain("call.body.where");
        }
    }

    @Test
    void validate_accepts_a_per_record_job_and_describes_it() {
        try (InputJob job = InputJob.start("record_spec_ok")) {
            job.write("customers.jsonl", "{\"id\": \"c1\"}\n");
            Path spec = job.write("ok.yaml", """
                    job: enrich
                    partitions: {type: daily, start: 2026-11-01, end: 2026-11-07}
                    input: {type: file, path: customers.jsonl, key: id}
                    call:
                      method: POST
                      url: https://api.example.com/v1/customers/{record.id}/enrichment
                      body: "{record}"
                      concurrency: 16
                    sink: {type: postgres, table: out, key: [id], columns: {id: {path: $.record.id}}}
                    """);

            SluiceProcess.Result ok = job.command("validate", "--job", spec.toString());

            assertThat(ok.exit()).as(ok.describe()).isZero();
            assertThat(ok.json().get("call").asText())
                    .isEqualTo("POST https://api.example.com/v1/customers/{record.id}/enrichment, concurrency 16, "
                            + "idempotency key in Idempotency-Key, in doubt: resend");
        }
    }
}
