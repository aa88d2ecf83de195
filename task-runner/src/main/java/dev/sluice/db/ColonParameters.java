package dev.sluice.db;

import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.SqlParser;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Jdbi's {@code :name} / {@code ?} parameter syntax, read by a plain scan instead of Jdbi's ANTLR
 * lexer: the same tokens as {@code ColonPrefixSqlParser} (its grammar {@code ColonStatementLexer}),
 * checked against it on a corpus and random text (ColonParametersTest). Why: a runner is a short
 * process, and ANTLR builds its lexer's state machine afresh in every process on the first
 * statement: measured at ~5% of a one-page run's CPU. A scan this size needs no cache.
 *
 * <p>The tokens, longest first at each position: {@code /* ... *}{@code /} comments and line
 * comments ({@code --}, {@code //}), {@code '...'}
 * text (with {@code \'} inside), {@code "..."} identifiers (not empty) and {@code \x} escapes (the
 * backslash dropped) are copied; {@code :name} (letters, digits, {@code _ $ .} and {@code ?.}) is a
 * named parameter unless the colon is doubled ({@code ::int} is a cast); {@code ?} is a positional
 * parameter unless doubled ({@code ??} stays, for the driver). Anything else is copied as it is.
 */
public final class ColonParameters implements SqlParser {
    @Override
    public ParsedSql parse(String sql, StatementContext ctx) {
        return parse(sql);
    }

    static ParsedSql parse(String sql) {
        ParsedSql.Builder out = ParsedSql.builder();
        StringBuilder literal = new StringBuilder();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            int end;
            if ((c == '/' || c == '-') && (end = commentEnd(sql, i)) > 0) {
                literal.append(sql, i, end);
                i = end;
            } else if (c == '\'' && (end = quotedEnd(sql, i)) > 0) {
                literal.append(sql, i, end);
                i = end;
            } else if (c == '"' && (end = sql.indexOf('"', i + 1)) > i + 1) {
                literal.append(sql, i, end + 1);
                i = end + 1;
            } else if (c == '\\' && i + 1 < n) {
                int width = Character.charCount(sql.codePointAt(i + 1));
                literal.append(sql, i + 1, i + 1 + width);
                i += 1 + width;
            } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                literal.append("::");
                i += 2;
            } else if (c == ':' && (end = nameEnd(sql, i + 1)) > i + 1) {
                flush(literal, out).appendNamedParameter(sql.substring(i + 1, end));
                i = end;
            } else if (c == '?' && i + 1 < n && sql.charAt(i + 1) == '?') {
                literal.append("??");
                i += 2;
            } else if (c == '?') {
                flush(literal, out).appendPositionalParameter();
                i++;
            } else {
                literal.append(c);
                i++;
            }
        }
        return flush(literal, out).build();
    }

    @Override
    public String nameParameter(String rawName, StatementContext ctx) {
        return ":" + rawName;
    }

    private static ParsedSql.Builder flush(StringBuilder literal, ParsedSql.Builder out) {
        if (!literal.isEmpty()) {
            out.append(literal.toString());
            literal.setLength(0);
        }
        return out;
    }

    /**
     * The index after the comment starting at {@code i}: {@code /* ... *}{@code /}, or {@code --} and
     * {@code //} to the end of the line (the line break not included); -1 when there is none.
     */
    private static int commentEnd(String sql, int i) {
        if (i + 1 >= sql.length()) {
            return -1;
        }
        char first = sql.charAt(i);
        char second = sql.charAt(i + 1);
        if (first == '/' && second == '*') {
            int close = sql.indexOf("*/", i + 2);
            return close < 0 ? -1 : close + 2;
        }
        if (second == first) { // -- or //
            int end = i + 2;
            while (end < sql.length() && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
                end++;
            }
            return end;
        }
        return -1;
    }

    /**
     * The index after the quoted text starting at {@code i}, or -1 when none closes. A {@code \'}
     * inside may continue the text or, backslash and all, end it: the lexer takes the longest text
     * that closes, so the last quote that can close it does.
     */
    private static int quotedEnd(String sql, int i) {
        int lastClose = -1;
        int j = i + 1;
        while (j < sql.length()) {
            char c = sql.charAt(j);
            if (c == '\\' && j + 1 < sql.length() && sql.charAt(j + 1) == '\'') {
                lastClose = j + 2; // the backslash as text, the quote closing
                j += 2;
            } else if (c == '\'') {
                return j + 1;
            } else {
                j++;
            }
        }
        return lastClose;
    }

    /** The index after the parameter name starting at {@code i} ({@code i} itself when there is none). */
    private static int nameEnd(String sql, int i) {
        int j = i;
        while (j < sql.length()) {
            int cp = sql.codePointAt(j);
            if (isNameChar(cp)) {
                j += Character.charCount(cp);
            } else if (cp == '?' && j + 1 < sql.length() && sql.charAt(j + 1) == '.') {
                j += 2;
            } else {
                break;
            }
        }
        return j;
    }

    private static boolean isNameChar(int cp) {
        return (cp >= 'a' && cp <= 'z')
                || (cp >= 'A' && cp <= 'Z')
                || (cp >= '0' && cp <= '9')
                || cp == '_'
                || cp == '$'
                || cp == '.'
                || (cp > 0x7F && !(cp >= 0xD800 && cp <= 0xDBFF)); // the grammar's JAVA_LETTER: no lone high surrogate
    }
}
