package dev.sluice.functional;

import static dev.sluice.testing.HostileApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.testing.HostileApi;
import dev.sluice.testing.HostileJob;
import dev.sluice.testing.SluiceProcess;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 7, class 3: no secret leaves a run, in any spelling. For each kind of credential, an API
 * that echoes what it receives (in records, a field name, next links, response headers, a 500
 * body and a 401 body; raw, Base64, URL-encoded with {@code +} and {@code %20}, JSON-escaped) is
 * run by real {@code sluice} processes: a normal run, a failing run (75), a refused run (401, 78)
 * and a run whose URL has a key in its path (404). Then every channel is searched for every
 * secret in every encoding: stdout (the summaries Airflow keeps as XCom), stderr in both log
 * formats, {@code sluice status} in both formats, the spans the OTLP exporter sent, and a dump of
 * every row of every table in the database (Sluice's and the sink's). The API's own records prove
 * the secrets were sent, so the search cannot pass because nothing was there to find.
 */
class SecretsTest {
    // Spaces, quotes, slashes, plus signs and backslashes: each encoding spells them differently.
    private static final String TOKEN = "tok/3n \"q\" a+b=c&d\\x-AAAA1111";
    private static final String USER = "sluice-user";
    private static final String PASSWORD = "pw \"x\"/y+z w\\v-BBBB2222";
    private static final String KEY = "key/with space+plus&amp=eq\"q-CCCC3333";
    /** Only ever in a URL path: a secret because its variable's name says so ({@code BOT_TOKEN}). */
    private static final String PATH_TOKEN = "bot-DDDD4444";

    private static final String COLUMNS = """
            id: {path: $.id}
            note: {path: $.note}
            raw: {path: $.raw, type: jsonb}
            n: {path: $.n, type: bigint}
            """;
    private static final String EXTRA = """
            retry: {max_attempts: 2, initial_delay: 100ms, max_delay: 200ms}
            dead_letters: {max: 5}
            """;

    /** The four kinds of credential: how each is written, what it hides, how it shows on a request. */
    enum Auth {
        BEARER("{type: bearer, token: \"${TOKEN}\"}", TOKEN),
        BASIC("{type: basic, username: " + USER + ", password: \"${PASSWORD}\"}", PASSWORD, USER + ":" + PASSWORD),
        HEADER("{type: header, name: X-Api-Key, value: \"${KEY}\"}", KEY),
        QUERY("{type: query, name: api_key, value: \"${KEY}\"}", KEY);

        final String yaml;
        final List<String> secrets;

        Auth(String yaml, String... secrets) {
            this.yaml = yaml;
            this.secrets = List.of(secrets);
        }

        /** The credential exactly as this request carried it, or null when it did not. */
        String received(HostileApi.Recorded request) {
            String value = switch (this) {
                case BEARER, BASIC -> request.header("Authorization");
                case HEADER -> request.header("X-Api-Key");
                case QUERY -> queryParam(request, "api_key");
            };
            return value != null && value.equals(expected()) ? value : null;
        }

        private String expected() {
            return switch (this) {
                case BEARER -> "Bearer " + TOKEN;
                case BASIC -> "Basic " + base64(USER + ":" + PASSWORD);
                case HEADER, QUERY -> KEY;
            };
        }
    }

    @ParameterizedTest(name = "{0} auth")
    @EnumSource(Auth.class)
    void no_secret_reaches_any_output_or_table_in_any_encoding(Auth auth) throws Exception {
        try (HostileApi api = HostileApi.start();
                HostileApi collector = HostileApi.start()) {
            echoing(api, auth);
            collector.on("/v1/traces", (HostileApi.Reply) c -> c.send("HTTP/1.1 200 OK\r\nConnection: close\r\n"
                    + "Content-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n"));
            Map<String, String> env = Map.of(
                    "API", api.origin(),
                    "TOKEN", TOKEN,
                    "PASSWORD", PASSWORD,
                    "KEY", KEY,
                    "BOT_TOKEN", PATH_TOKEN,
                    "OTEL_EXPORTER_OTLP_ENDPOINT", collector.origin());
            String name = "secrets_" + auth.name().toLowerCase();
            List<String> outputs = new ArrayList<>();
            StringBuilder tables = new StringBuilder();

            try (HostileJob normal = job(name + "_ok", "/items", auth, env)) {
                SluiceProcess.Result run = normal.run("SLUICE_LOG_LEVEL", "DEBUG");
                assertThat(run.exit()).as(run.describe()).isZero();
                assertThat(normal.ids()).containsExactly("r1", "r3");
                assertThat(normal.query("SELECT note, raw::text AS raw FROM " + name + "_ok_items WHERE id = 'r1'"))
                        .as("the echo reached the sink, masked")
                        .singleElement()
                        .satisfies(r -> {
                            assertThat((String) r.get("note"))
                                    .startsWith("received ")
                                    .contains(" | ****");
                            assertThat((String) r.get("raw")).contains("\"****\"");
                        });
                assertThat(normal.query("SELECT payload::text AS p, error FROM sluice_dead_letter"))
                        .as("the record that echoed into a number column is a dead letter, masked")
                        .singleElement()
                        .satisfies(r -> assertThat((String) r.get("p")).contains("****"));
                outputs.addAll(channels(run, normal));
                tables.append(dump(normal));
            }
            try (HostileJob failing = job(name + "_500", "/failing", auth, env)) {
                SluiceProcess.Result run = failing.run("SLUICE_LOG_FORMAT", "json");
                assertThat(run.exit()).as(run.describe()).isEqualTo(75);
                assertThat((String) failing.partition().get("watermark"))
                        .as("the next link is stored, without the echoed credential")
                        .contains("page=2");
                outputs.addAll(channels(run, failing));
                tables.append(dump(failing));
            }
            try (HostileJob refused = job(name + "_401", "/private", auth, env)) {
                SluiceProcess.Result run = refused.run("SLUICE_LOG_FORMAT", "json");
                assertThat(run.exit()).as(run.describe()).isEqualTo(78);
                assertThat(run.json().get("message").asText())
                        .as("the 401 body is quoted, its echo masked")
                        .contains("401")
                        .containsPattern("invalid credential (Bearer |Basic )?\\*\\*\\*\\* \\|");
                assertThat(refused.attempts())
                        .singleElement()
                        .satisfies(a -> assertThat((String) a.get("message")).contains("401", "****"));
                outputs.addAll(channels(run, refused));
                tables.append(dump(refused));
            }
            try (HostileJob inPath = job(name + "_404", "/v1/${BOT_TOKEN}/items", auth, env)) {
                SluiceProcess.Result run = inPath.run();
                assertThat(run.exit()).as(run.describe()).isEqualTo(78);
                assertThat(run.json().get("message").asText()).contains("404", "/v1/****/items");
                outputs.addAll(channels(run, inPath));
                tables.append(dump(inPath));
            }

            assertThat(api.requests())
                    .as("the API saw the credential on every request")
                    .allSatisfy(r -> assertThat(auth.received(r)).as(r.path()).isNotNull());
            assertThat(api.requests("/items")).hasSize(2);
            assertThat(api.requests("/private")).hasSize(1);
            String spans = spans(collector);
            assertThat(spans).as("the runs' spans were exported").contains("sluice run " + name + "_401", "****");
            outputs.add(spans);
            assertThat(tables).contains("sluice_attempt", "sluice_partition", "sluice_dead_letter", name + "_ok_items");

            List<String> secrets = new ArrayList<>(auth.secrets);
            secrets.add(PATH_TOKEN);
            for (String secret : secrets) {
                for (String form : encodings(secret)) {
                    for (String output : outputs) {
                        assertThat(output).as("an output holds %s", form).doesNotContain(form);
                    }
                    assertThat(tables.toString()).as("a table holds %s", form).doesNotContain(form);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} auth")
    @EnumSource(Auth.class)
    void a_secret_with_a_trailing_newline_is_refused_by_validate_with_78_and_never_shown(Auth auth) {
        String variable = auth == Auth.BEARER ? "TOKEN" : auth == Auth.BASIC ? "PASSWORD" : "KEY";
        String secret = auth.secrets.getFirst();
        try (HostileApi api = HostileApi.start();
                HostileJob job =
                        job("secrets_nl_" + auth.name().toLowerCase(), "/items", auth, Map.of("API", api.origin()))) {
            SluiceProcess.Result validate = SluiceProcess.run(
                    job.env(variable, secret + "\n"),
                    "validate",
                    "--job",
                    job.spec().toString());

            assertThat(validate.exit()).as(validate.describe()).isEqualTo(78);
            assertThat(validate.json().get("message").asText())
                    .contains("the value of ${" + variable + "} ends with a newline; strip it");
            for (String form : encodings(secret)) {
                assertThat(validate.describe()).doesNotContain(form);
            }
            assertThat(api.requests()).isEmpty();
        }
    }

    private static HostileJob job(String name, String path, Auth auth, Map<String, String> env) {
        String source = """
                url: ${API}%s
                auth: %s
                pagination: {type: next_link}
                timeout: 10s
                """.formatted(path, auth.yaml);
        return HostileJob.create(name, source, COLUMNS, EXTRA, env);
    }

    /**
     * The API: {@code /items} and {@code /failing} serve a page of records echoing the credential
     * (in a text, a JSON document, a field name and a number column) with a next link and a
     * response header echoing it; page 2 of {@code /items} ends the run, page 2 of
     * {@code /failing} is a 500 whose body echoes it. {@code /private} is a 401 echoing it.
     */
    private static void echoing(HostileApi api, Auth auth) {
        for (String path : List.of("/items", "/failing")) {
            api.on(path, (HostileApi.Recorded request) -> {
                String received = String.valueOf(auth.received(request));
                if (queryParam(request, "page") == null) {
                    return json(200, firstPage(path, auth, received), "X-Echo", received);
                }
                if (path.equals("/failing")) {
                    return json(500, "{\"error\":" + quoted("upstream failed for " + echo(auth, received)) + "}");
                }
                return json(200, "{\"data\":[{\"id\":\"r3\",\"note\":" + quoted(echo(auth, received)) + "}]}");
            });
        }
        api.on(
                "/private",
                (HostileApi.Recorded request) -> json(
                        401,
                        "{\"error\":"
                                + quoted("invalid credential " + echo(auth, String.valueOf(auth.received(request))))
                                + "}",
                        "WWW-Authenticate",
                        "Bearer error=\"" + auth.secrets.getFirst().replace("\"", "") + "\""));
    }

    private static String firstPage(String path, Auth auth, String received) {
        String secret = auth.secrets.getFirst();
        ObjectNode raw = Json.MAPPER.createObjectNode();
        raw.put(secret, "a field name");
        raw.putArray("forms")
                .addAll(encodings(secret).stream()
                        .map(Json.MAPPER.getNodeFactory()::textNode)
                        .toList());
        String next =
                path + "?page=2&echo=" + URLEncoder.encode(secret, StandardCharsets.UTF_8) + "&b64=" + base64(secret)
                        + (auth == Auth.QUERY ? "&api_key=" + URLEncoder.encode(KEY, StandardCharsets.UTF_8) : "");
        return "{\"data\":[{\"id\":\"r1\",\"note\":" + quoted("received " + echo(auth, received)) + ",\"raw\":" + raw
                + "},{\"id\":\"r2\",\"n\":" + quoted("12 " + echo(auth, received)) + "}],\"next\":" + quoted(next)
                + "}";
    }

    /** What an echoing API sends back: the credential as received, then each secret in every encoding. */
    private static String echo(Auth auth, String received) {
        List<String> all = new ArrayList<>(List.of(received));
        auth.secrets.forEach(s -> all.addAll(encodings(s)));
        return String.join(" | ", all);
    }

    /** The spellings searched for (and echoed): raw, Base64, URL-encoded with + and %20, JSON-escaped. */
    static Set<String> encodings(String secret) {
        String url = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        String json = quoted(secret);
        json = json.substring(1, json.length() - 1);
        Set<String> forms = new LinkedHashSet<>();
        forms.add(secret);
        forms.add(base64(secret));
        forms.add(Base64.getUrlEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        forms.add(url);
        forms.add(url.replace("+", "%20"));
        forms.add(json);
        forms.add(json.replace("/", "\\/"));
        return forms;
    }

    /** Everything a run and {@code sluice status} printed. */
    private static List<String> channels(SluiceProcess.Result run, HostileJob job) {
        SluiceProcess.Result json = job.command("status");
        SluiceProcess.Result table = job.command("status", "--format", "table");
        assertThat(json.exit()).as(json.describe()).isZero();
        assertThat(table.exit()).as(table.describe()).isZero();
        return List.of(run.describe(), json.describe(), table.describe());
    }

    /** Every row of every table in the job's database, as text. */
    private static String dump(HostileJob job) {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> table : job.query("""
                SELECT table_schema, table_name FROM information_schema.tables
                WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'""")) {
            String qualified = "\"" + table.get("table_schema") + "\".\"" + table.get("table_name") + "\"";
            out.append(qualified).append('\n');
            job.query("SELECT t::text AS row FROM " + qualified + " t")
                    .forEach(r -> out.append(r.get("row")).append('\n'));
        }
        return out.toString();
    }

    /** The OTLP requests' bodies (protobuf: strings are stored as UTF-8 bytes). */
    private static String spans(HostileApi collector) {
        StringBuilder out = new StringBuilder();
        collector.requests("/v1/traces").forEach(r -> out.append(new String(r.body(), StandardCharsets.UTF_8)));
        return out.toString();
    }

    private static String queryParam(HostileApi.Recorded request, String name) {
        if (request.query() == null) {
            return null;
        }
        for (String param : request.query().split("&")) {
            int eq = param.indexOf('=');
            if (eq > 0
                    && URLDecoder.decode(param.substring(0, eq), StandardCharsets.UTF_8)
                            .equals(name)) {
                return URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String quoted(String text) {
        try {
            return Json.MAPPER.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
