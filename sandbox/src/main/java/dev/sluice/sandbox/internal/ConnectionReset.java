package dev.sluice.sandbox.internal;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * Breaks a response mid-body the way a dropped connection does: the status, the headers (with the
 * full {@code Content-Length}) and the first half of the body reach the client, then Jetty aborts
 * the connection. A client therefore reads a short body and fails with an {@code IOException}; it
 * never sees a clean response.
 *
 * <p>Writing through the servlet response and then throwing would not do: Javalin would catch the
 * exception and Jetty would complete the exchange. Aborting the Jetty 12 {@code ServletChannel}
 * closes the endpoint without completing the response.
 */
final class ConnectionReset {
    private ConnectionReset() {}

    static void abortMidBody(Context ctx, int status, byte[] body) throws IOException {
        HttpServletResponse res = ctx.res();
        res.setStatus(status);
        res.setContentType(Replies.JSON);
        res.setContentLengthLong(body.length);
        OutputStream out = res.getOutputStream();
        out.write(body, 0, body.length / 2);
        out.flush();
        ServletContextRequest.getServletContextRequest(ctx.req())
                .getServletChannel()
                .getEndPoint()
                .close(new IOException("sandbox: injected connection reset"));
    }
}
