package dev.sluice.job;

import dev.sluice.Sha256;
import dev.sluice.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One spec, one truth: the DAG passes the SHA-256 of the spec file it parsed ({@code --spec-sha256}),
 * and the runner refuses to work from a copy that differs (an image built from other specs than the
 * DAG folder holds, a half-synced mount) before it reads or writes anything.
 */
public final class SpecDigest {
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private SpecDigest() {}

    /**
     * Checks that {@code file} is the spec the DAG parsed. A file that cannot be read passes here:
     * loading it reports why, with the spec's own messages.
     *
     * @param expected 64 hex digits (case does not matter)
     * @throws UsageException          when {@code expected} is not a SHA-256 in hex
     * @throws SpecMismatchException   when the file's content differs
     */
    public static void verify(Path file, String expected) {
        if (!HEX.matcher(expected).matches()) {
            throw new UsageException("--spec-sha256 = \"" + expected
                    + "\": expected the 64 hex digits of the spec file's SHA-256 (sha256sum FILE)");
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            return;
        }
        String actual = Sha256.hex(content);
        if (!actual.equals(expected.toLowerCase(Locale.ROOT))) {
            throw new SpecMismatchException(file, actual, expected.toLowerCase(Locale.ROOT));
        }
    }
}
