package dev.sluice.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A hostile API for tests: a small HTTP/1.1 server on raw sockets, so it can misbehave below HTTP
 * (headers then silence, a body dripped byte by byte, a lying {@code Content-Length}, a gigabyte
 * generated on the fly), scripted per path, and recording every request it receives (method,
 * path, query, headers, body). Start two on different ports to have two origins: credentials meant
 * for one must never show up in the other's {@link #requests()}.
 */
public final class HostileApi implements AutoCloseable {
    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocket server;
    private final Map<String, Function<Recorded, Reply>> routes = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong hangUps = new AtomicLong();

    private HostileApi(ServerSocket server) {
        this.server = server;
        Thread.ofVirtual().name("hostile-api-" + server.getLocalPort()).start(this::accept);
    }

    /** A server on 127.0.0.1 and a free port. */
    public static HostileApi start() {
        try {
            return new HostileApi(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>}: this server's origin. */
    public String origin() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** The absolute URL of {@code path} (which may carry a query). */
    public String url(String path) {
        return origin() + path;
    }

    /** Answers requests for {@code path} (query ignored) with {@code reply}. */
    public HostileApi on(String path, Reply reply) {
        return on(path, request -> reply);
    }

    /** Answers requests for {@code path} with what {@code script} picks for each request. */
    public HostileApi on(String path, Function<Recorded, Reply> script) {
        routes.put(path, script);
        return this;
    }

    /** Every request received so far, in order. */
    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** The requests for one path. */
    public List<Recorded> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Bytes this server wrote to clients (status lines, headers and bodies). */
    public long bytesSent() {
        return bytesSent.get();
    }

    /** Connections the client closed before the reply was done: it gave up on a silent, slow or huge answer. */
    public long hangUps() {
        return hangUps.get();
    }

    /** One request as received. */
    public record Recorded(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        /** The first value of a header (names compare ignoring case), or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.getFirst();
        }

        /** The query as sent and decoded: both forms, for searching. */
        public String queryText() {
            return query == null ? "" : query + " " + URLDecoder.decode(query, StandardCharsets.UTF_8);
        }

        /**
         * True when any of {@code secrets} appears in this request, in any header, the query (raw
         * or decoded) or the body, as is or Base64-encoded.
         */
        public boolean carriesAny(List<String> secrets) {
            String all = String.join("\n", headers.toString(), queryText(), new String(body, StandardCharsets.UTF_8));
            for (String secret : secrets) {
                String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
                if (all.contains(secret) || all.contains(b64)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What the server writes back; it owns the socket until it returns (then the connection closes). */
    @FunctionalInterface
    public interface Reply {
        void write(Connection connection) throws IOException, InterruptedException;
    }

    /** The client's connection, as a reply sees it. */
    public final class Connection {
        private final Socket socket;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        /** Writes and flushes raw bytes. */
        public void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            bytesSent.addAndGet(bytes.length);
        }

        public void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.UTF_8));
        }

        /** Blocks until the client closes the connection (or the server stops): silence. */
        public void awaitHangUp() {
            try {
                InputStream in = socket.getInputStream();
                while (in.read() != -1) {
                    // a client that gave up closes the connection; its bytes are not a new request
                }
                hangUps.incrementAndGet();
            } catch (IOException closed) {
                hangUps.incrementAndGet(); // the client reset it (or the server stopped)
            }
        }
    }

    /** {@code 200} with a JSON body. */
    public static Reply json(String body) {
        return json(200, body);
    }

    /** {@code status} with a JSON body and extra headers ({@code name, value, ...}). */
    public static Reply json(int status, String body, String... headers) {
        return c -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            c.send(head(status, headers) + "Content-Type: application/json\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n");
            c.send(bytes);
        };
    }

    /** A redirect to {@code location}. */
    public static Reply redirect(int status, String location) {
        return c -> c.send(head(status, "Location", location) + "Content-Length: 0\r\n\r\n");
    }

    /** Nothing at all: not even a status line. */
    public static Reply silence() {
        return Connection::awaitHangUp;
    }

    /** A status line and headers promising a body, then nothing. */
    public static Reply headersThenSilence() {
        return c -> {
            c.send(head(200) + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n");
            c.awaitHangUp();
        };
    }

    /** A chunked JSON body that never ends: one byte every {@code every}. */
    public static Reply drip(Duration every) {
        return c -> {
            c.send(head(200) + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            c.send("1\r\n[\r\n");
            while (true) {
                Thread.sleep(every);
                c.send("1\r\n \r\n");
            }
        };
    }

    /** A {@code Content-Length} larger than the body sent, then silence. */
    public static Reply lyingLength(long declared, String body) {
        return c -> {
            c.send(head(200) + "Content-Type: application/json\r\nContent-Length: " + declared + "\r\n\r\n");
            c.send(body);
            c.awaitHangUp();
        };
    }

    /**
     * A JSON body of {@code bytes} bytes generated on the fly ({@code {"data":[], "pad":"xxx..."}}),
     * with its {@code Content-Length} or chunked without one.
     */
    public static Reply huge(long bytes, boolean declareLength) {
        return c -> {
            byte[] block = new byte[64 * 1024];
            Arrays.fill(block, (byte) 'x');
            String open = "{\"data\":[],\"pad\":\"";
            c.send(head(200) + "Content-Type: application/json\r\n"
                    + (declareLength ? "Content-Length: " + bytes : "Transfer-Encoding: chunked") + "\r\n\r\n");
            long left = bytes - open.length() - 2;
            c.send(chunk(open.getBytes(StandardCharsets.UTF_8), open.length(), declareLength));
            while (left > 0) {
                int n = (int) Math.min(block.length, left);
                c.send(chunk(block, n, declareLength));
                left -= n;
            }
            c.send(chunk("\"}".getBytes(StandardCharsets.UTF_8), 2, declareLength));
            if (!declareLength) {
                c.send("0\r\n\r\n");
            }
        };
    }

    private static byte[] chunk(byte[] data, int length, boolean raw) {
        if (raw) {
            return length == data.length ? data : Arrays.copyOf(data, length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 16);
        out.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data, 0, length);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String head(int status, String... headers) {
        StringBuilder out =
                new StringBuilder("HTTP/1.1 " + status + " " + reason(status) + "\r\nConnection: close\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            out.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return out.toString();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 404 -> "Not Found";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Recorded request = read(in);
            if (request == null) {
                return;
            }
            requests.add(request);
            Function<Recorded, Reply> route = routes.get(request.path());
            Reply reply = route == null ? json(404, "{\"error\":\"no route\"}") : route.apply(request);
            reply.write(new Connection(socket));
        } catch (IOException gone) {
            hangUps.incrementAndGet(); // the client hung up while the reply was written (it gave up on it)
        } catch (InterruptedException | RuntimeException stopped) {
            // the server stopped
        } finally {
            open.remove(socket);
        }
    }

    private static Recorded read(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int total = 0;
        for (int b; (b = in.read()) != -1; ) {
            if (++total > MAX_HEAD) {
                throw new IOException("request head too large");
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
                line.reset();
                if (text.isEmpty()) {
                    break;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
        if (lines.isEmpty()) {
            return null;
        }
        String[] start = lines.getFirst().split(" ");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String header : lines.subList(1, lines.size())) {
            int colon = header.indexOf(':');
            headers.computeIfAbsent(header.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(header.substring(colon + 1).strip());
        }
        byte[] body = headers.getOrDefault("transfer-encoding", List.of(""))
                        .getFirst()
                        .contains("chunked")
                ? chunked(in)
                : in.readNBytes(Integer.parseInt(
                        headers.getOrDefault("content-length", List.of("0")).getFirst()));
        String target = start[1];
        int q = target.indexOf('?');
        return new Recorded(
                start[0],
                q < 0 ? target : target.substring(0, q),
                q < 0 ? null : target.substring(q + 1),
                Collections.unmodifiableMap(headers),
                body);
    }

    /** A chunked request body (an OTLP exporter streams its spans this way), de-chunked. */
    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            if (length == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(length));
            line(in); // the CRLF after the chunk
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != -1 && b != '\n'; ) {
            line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1).strip();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
