package dev.sluice.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a spec file within {@link SpecLimits#MAX_BYTES}: what is not a regular file (a directory,
 * {@code /dev/zero}, a FIFO that would block) is refused from its attributes, without opening it;
 * a regular file is refused by its size, and never more than the cap plus one byte is read (a file
 * that grows while being read, or reports no size, like those in {@code /proc}).
 */
final class SpecFile {
    private static final String EXAMPLE = "give the path of a job spec file, e.g. dags/jobs/orders.yaml";

    private SpecFile() {}

    /** Thrown with the rule the file broke. */
    static final class Refused extends Exception {
        Refused(String rule) {
            super(rule, null, false, false);
        }
    }

    static String read(Path path) throws Refused {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new Refused("file not found; " + EXAMPLE);
        } catch (IOException e) {
            throw new Refused("cannot read the file (" + e.getClass().getSimpleName() + "); " + EXAMPLE);
        }
        if (attributes.isDirectory()) {
            throw new Refused("is a directory; " + EXAMPLE);
        }
        if (!attributes.isRegularFile()) {
            throw new Refused("is not a regular file (a device, FIFO or socket), so it is not read; " + EXAMPLE);
        }
        if (attributes.size() > SpecLimits.MAX_BYTES) {
            throw tooLarge(attributes.size() + " bytes");
        }
        return decode(bounded(path));
    }

    private static byte[] bounded(Path path) throws Refused {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(SpecLimits.MAX_BYTES + 1);
            if (bytes.length > SpecLimits.MAX_BYTES) {
                throw tooLarge("more than " + SpecLimits.MAX_BYTES + " bytes");
            }
            return bytes;
        } catch (AccessDeniedException e) {
            throw new Refused("cannot read the file: permission denied");
        } catch (IOException e) {
            throw new Refused("cannot read the file (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Refused tooLarge(String size) {
        return new Refused("the file has " + size + ", more than the " + SpecLimits.MAX_BYTES + " bytes ("
                + SpecLimits.mib(SpecLimits.MAX_BYTES) + ") a job spec may have; check that --job names the "
                + "spec, and split a spec that really is this large into several jobs");
    }

    /** Strict UTF-8: a binary file is refused rather than read as replacement characters. */
    private static String decode(byte[] bytes) throws Refused {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new Refused("is not UTF-8 text; a job spec is a YAML file in UTF-8");
        }
    }
}
