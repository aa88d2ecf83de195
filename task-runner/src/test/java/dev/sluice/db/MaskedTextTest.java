package dev.sluice.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Masking;
import dev.sluice.testing.TestPostgres;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every text bound to a statement of the Sluice database goes in masked, on a real PostgreSQL. */
class MaskedTextTest {
    private static final String SECRET = "tok-MaskedTextTest-5678";
    private static Database db;

    @BeforeAll
    static void open() {
        Masking.register(SECRET);
        db = TestPostgres.migratedDatabase("masked_text");
        db.jdbi().useHandle(h -> h.execute("CREATE TABLE notes (id int PRIMARY KEY, note text, doc jsonb)"));
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void a_bound_text_holding_a_secret_is_stored_masked_by_name_and_by_position() {
        db.jdbi().useHandle(h -> {
            h.createUpdate("INSERT INTO notes (id, note) VALUES (1, :note)")
                    .bind("note", "401: invalid token " + SECRET)
                    .execute();
            h.createUpdate("INSERT INTO notes (id, note) VALUES (2, ?)")
                    .bind(0, "echo " + SECRET)
                    .execute();
        });

        assertThat(notes()).containsExactly("401: invalid token ****", "echo ****");
    }

    @Test
    void a_json_document_bound_as_text_stays_valid_jsonb_with_the_secret_masked() {
        db.jdbi()
                .useHandle(h -> h.createUpdate("INSERT INTO notes (id, doc) VALUES (3, CAST(:doc AS jsonb))")
                        .bind("doc", "{\"next\": \"/items?page=2&token=" + SECRET + "\"}")
                        .execute());

        String doc = db.jdbi()
                .withHandle(h -> h.createQuery("SELECT doc->>'next' FROM notes WHERE id = 3")
                        .mapTo(String.class)
                        .one());
        assertThat(doc).isEqualTo("/items?page=2&token=****");
    }

    @Test
    void text_without_secrets_and_null_are_bound_as_they_are() {
        db.jdbi()
                .useHandle(h -> h.createUpdate("INSERT INTO notes (id, note) VALUES (:id, :note)")
                        .bind("id", 4)
                        .bind("note", (String) null)
                        .execute());
        db.jdbi()
                .useHandle(h -> h.createUpdate("INSERT INTO notes (id, note) VALUES (5, :note)")
                        .bind("note", "plain text")
                        .execute());

        List<String> notes = db.jdbi()
                .withHandle(h -> h.createQuery("SELECT note FROM notes WHERE id IN (4, 5) ORDER BY id")
                        .mapTo(String.class)
                        .list());
        assertThat(notes).containsExactly(null, "plain text");
    }

    private static List<String> notes() {
        return db.jdbi()
                .withHandle(h -> h.createQuery("SELECT note FROM notes WHERE id IN (1, 2) ORDER BY id")
                        .mapTo(String.class)
                        .list());
    }
}
