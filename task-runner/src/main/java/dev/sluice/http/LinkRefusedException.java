package dev.sluice.http;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * A link or redirect the API gave leads where Sluice does not follow: a scheme other than http(s),
 * from https down to http, to another origin under {@code cross_origin: refuse}, or past
 * {@code max_redirects}. Retrying cannot help: exit 78. Nothing of the page that carried the link
 * is committed, so no watermark ever points there.
 */
public class LinkRefusedException extends SluiceException {
    public LinkRefusedException(String message) {
        super(message);
    }

    @Override
    public Outcome outcome() {
        return Outcome.CONFIG;
    }
}
