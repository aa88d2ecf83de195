package dev.sluice.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** {@code sluice serve} as a real process on a free port, and an HTTP client for it. */
public final class AdminProcess implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final SluiceProcess process;
    private final String base;

    private AdminProcess(SluiceProcess process, int port) {
        this.process = process;
        this.base = "http://127.0.0.1:" + port;
    }

    /** Starts the server with {@code env} and waits until {@code /health} answers. */
    public static AdminProcess start(Map<String, String> env) {
        int port = freePort();
        SluiceProcess process = SluiceProcess.start(env, "serve", "--port", String.valueOf(port));
        AdminProcess admin = new AdminProcess(process, port);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.process().isAlive()) {
                        throw new AssertionError("sluice serve ended: " + process.stderrSoFar());
                    }
                    try {
                        return admin.get("/health", null).statusCode() == 200;
                    } catch (UncheckedIOException e) {
                        return false;
                    }
                });
        return admin;
    }

    public String baseUrl() {
        return base;
    }

    public SluiceProcess process() {
        return process;
    }

    public HttpResponse<String> get(String path, String token) {
        return send("GET", path, token, null);
    }

    /** Sends a request; {@code token} null sends no Authorization header, {@code body} null no body. */
    public HttpResponse<String> send(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET as JSON, failing unless the answer is 200. */
    public JsonNode json(String path, String token) {
        HttpResponse<String> response = get(path, token);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.process().destroy(); // SIGTERM: the server closes its pool and ends
        try {
            if (!process.process().waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                process.kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.kill();
        }
    }
}
