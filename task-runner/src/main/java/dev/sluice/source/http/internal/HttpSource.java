package dev.sluice.source.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.config.JsonPath;
import dev.sluice.http.HttpExchange;
import dev.sluice.http.Request;
import dev.sluice.http.Response;
import dev.sluice.partition.Partition;
import dev.sluice.source.ApiCalls;
import dev.sluice.source.MalformedResponseException;
import dev.sluice.source.Page;
import dev.sluice.source.Source;
import dev.sluice.source.http.AuthConfig;
import dev.sluice.source.http.HttpSourceConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a paginated JSON API. Its watermark is {@code {"next": <page position>, "since": ...,
 * "max_cursor": ...}}: where the next page is, and for incremental sources the pass's lower bound
 * and the highest cursor value committed. Positions never hold a credential: links are admitted and
 * stripped by the exchange before they become positions.
 */
public final class HttpSource implements Source {
    private final RequestFactory requests;
    private final Pagination pagination;
    private final Incremental incremental;
    private final JsonPath records;
    private final ApiCalls calls;
    private final HttpExchange http;

    /**
     * @param partition the partition this run reads: the spec URL rendered for it is the origin that
     *                  receives the credentials
     */
    public HttpSource(HttpSourceConfig config, ApiCalls calls, Partition partition) {
        this.requests = new RequestFactory(config);
        this.http = HttpExchange.open(
                config.http(),
                config.originPolicy(requests.url(partition)),
                AuthConfig.credential(config.auth(), config.http()));
        this.pagination = Pagination.of(config.pagination(), http::follow);
        this.incremental = config.incremental() == null ? null : new Incremental(config.incremental());
        this.records = JsonPath.compile(config.records());
        this.calls = calls;
    }

    @Override
    public Page read(Partition partition, JsonNode position) {
        JsonNode pagePosition = position == null ? null : position.get("next");
        if (pagePosition != null && pagePosition.isNull()) {
            pagePosition = null;
        }
        Pagination.PageRequest page = pagination.request(pagePosition);
        Map<String, String> params = new LinkedHashMap<>(page.params());
        String since = incremental == null ? null : incremental.since(position);
        if (since != null && page.url() == null) {
            params.put(incremental.param(), since);
        }
        Request request = requests.build(partition, page.url(), params);
        Fetched fetched = calls.send(http, request, response -> parse(request.uri(), response));
        JsonNode next = pagination.after(
                pagePosition,
                new Pagination.PageSeen(
                        request.uri(),
                        fetched.response(),
                        fetched.body(),
                        fetched.records().size()));
        return new Page(fetched.records(), watermark(next, since, position, fetched.records()), next == null);
    }

    @Override
    public Optional<JsonNode> nextPass(JsonNode finalPosition) {
        if (incremental == null) {
            return Optional.empty();
        }
        String from = finalPosition == null
                ? null
                : finalPosition.hasNonNull("max_cursor")
                        ? finalPosition.get("max_cursor").asText()
                        : incremental.since(finalPosition);
        return Optional.of(watermark(null, from, null, List.of()));
    }

    private JsonNode watermark(JsonNode next, String since, JsonNode previous, List<JsonNode> page) {
        ObjectNode mark = Json.MAPPER.createObjectNode();
        mark.set("next", next);
        if (incremental != null) {
            mark.put("since", since);
            String highest = incremental.highest(previous, page);
            mark.put("max_cursor", highest != null ? highest : since);
        }
        return mark;
    }

    @Override
    public void close() {
        http.close();
    }

    private record Fetched(Response response, JsonNode body, List<JsonNode> records) {}

    private Fetched parse(URI uri, Response response) {
        JsonNode body;
        try (InputStream in = response.body().stream()) {
            body = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new MalformedResponseException(
                    "the API answered " + uri.getPath() + " with a body that is not valid JSON ("
                            + response.body().size() + " bytes): "
                            + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()),
                    e);
        }
        if (body == null || body.isMissingNode()) {
            throw new MalformedResponseException("the API answered " + uri.getPath() + " with an empty body");
        }
        JsonNode list = records.read(body);
        if (list.isMissingNode() || list.isNull()) {
            return new Fetched(response, body, List.of());
        }
        if (!list.isArray()) {
            throw new MalformedResponseException("the records at " + records + " in the answer of " + uri.getPath()
                    + " are a " + list.getNodeType().toString().toLowerCase()
                    + ", not a list; check source.records in the job spec");
        }
        List<JsonNode> out = new ArrayList<>(list.size());
        list.forEach(out::add);
        return new Fetched(response, body, out);
    }
}
