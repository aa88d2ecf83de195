package dev.sluice.http;

import java.net.URI;
import java.net.http.HttpHeaders;

/**
 * An API's answer, after redirects.
 *
 * @param status  the HTTP status
 * @param headers the response headers
 * @param body    the body, within the exchange's size bound
 * @param uri     where the answer came from (after redirects), without credentials
 */
public record Response(int status, HttpHeaders headers, ResponseBody body, URI uri) {
    @Override
    public String toString() {
        return status + " from " + Urls.where(uri) + " (" + body.size() + " bytes)";
    }
}
