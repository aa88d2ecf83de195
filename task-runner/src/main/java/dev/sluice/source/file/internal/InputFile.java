package dev.sluice.source.file.internal;

import dev.sluice.config.SpecField;
import dev.sluice.source.SourceUnavailableException;
import dev.sluice.source.file.InputFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An input file opened for reading, with its fingerprint. What is not a regular file (a
 * directory, {@code /dev/zero}, a FIFO that would block) is refused from its attributes without
 * being opened, as spec files are.
 */
final class InputFile {
    /** Bytes of the file's start that the fingerprint hashes. */
    static final int HEAD_BYTES = 64 * 1024;

    /**
     * What identifies the file's content for a committed position: its size, its modification time
     * and a hash of its first bytes. A file replaced between attempts (a new export) changes at
     * least one of them, and a position in the old file would mean nothing in the new one.
     */
    record Fingerprint(long size, String modified, String head) {
        /** How {@code now} differs from this one, for messages. */
        String difference(Fingerprint now) {
            if (size != now.size) {
                return "its size went from " + size + " to " + now.size + " bytes";
            }
            if (!modified.equals(now.modified)) {
                return "it was modified (" + modified + ", now " + now.modified + ")";
            }
            return "its first bytes differ";
        }
    }

    private InputFile() {}

    /** Opens a regular file for reading. */
    static FileChannel open(Path path, SpecField field) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw refused(field, path, "does not exist");
        } catch (IOException e) {
            throw refused(field, path, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (attributes.isDirectory()) {
            throw refused(field, path, "is a directory");
        }
        if (!attributes.isRegularFile()) {
            throw refused(field, path, "is not a regular file (a device, FIFO or socket), so it is not read");
        }
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (AccessDeniedException e) {
            throw refused(field, path, "cannot be read: permission denied");
        } catch (IOException e) {
            throw refused(field, path, "cannot be opened (" + e.getClass().getSimpleName() + ")");
        }
    }

    static Fingerprint fingerprint(FileChannel channel, Path path) {
        try {
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(HEAD_BYTES, channel.size()));
            while (head.hasRemaining()) {
                // a positional read: the channel's own position is left alone
                if (channel.read(head, head.position()) < 0) {
                    break;
                }
            }
            head.flip();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(head);
            return new Fingerprint(
                    channel.size(),
                    Files.getLastModifiedTime(path).toInstant().toString(),
                    HexFormat.of().formatHex(sha.digest(), 0, 16));
        } catch (IOException e) {
            throw failed(path, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static SourceUnavailableException failed(Path path, IOException e) {
        return new SourceUnavailableException(
                "reading " + path + " failed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }

    private static InputFileException refused(SpecField field, Path path, String why) {
        return new InputFileException(field + ": " + path + " " + why + "; give the path of a JSON Lines or CSV file "
                + "(a relative path is taken from the spec file's directory)");
    }
}
