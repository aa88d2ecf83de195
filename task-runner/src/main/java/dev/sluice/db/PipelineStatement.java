package dev.sluice.db;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * One SQL statement of a {@link Pipeline}: its text with {@code ?} placeholders, and how its values
 * are bound. A statement is one command (no {@code ;}); its text should not vary with its values,
 * so the driver's statement cache is hit.
 */
public interface PipelineStatement {
    /** The statement's text, with {@code ?} placeholders. */
    String sql();

    /**
     * Binds this statement's values from parameter {@code first} on.
     *
     * @return the index of the next statement's first parameter
     */
    int bind(PreparedStatement statement, int first) throws SQLException;
}
