package dev.sluice.source.sql.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A query read the way PostgreSQL's lexer reads it, without its grammar: string literals
 * ({@code '...'}, {@code E'...'}, {@code $tag$...$tag$}), quoted identifiers, comments ({@code --}
 * and nested {@code /* *}{@code /}) and {@code ::} casts are stepped over, so that what is left is
 * what the checks look at (named parameters, statement separators, words) and what is rewritten
 * for JDBC. No SQL parser is used: a Java one either lacks PostgreSQL's dialect (and would refuse
 * valid queries) or is a native library; the lexer is all the checks need, and the read-only
 * transaction the query runs in is what really keeps it from writing.
 */
public final class SqlText {
    /** A named parameter {@code :name} at [start, end) of the text. */
    public record Parameter(String name, int start, int end) {}

    /** The query cannot be read: a literal, identifier or comment is not closed. */
    public static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    private final String source;
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<String> words = new ArrayList<>();
    private final List<Integer> questionMarks = new ArrayList<>();
    private final List<String> positional = new ArrayList<>();
    private int end = -1;
    private boolean secondStatement;
    private char first;

    private SqlText(String source) {
        this.source = source;
    }

    /** Reads a query. */
    public static SqlText read(String query) throws Unreadable {
        SqlText text = new SqlText(query);
        text.lex();
        return text;
    }

    /** Reads a query that passed validation at load (so it can be read). */
    public static SqlText valid(String query) {
        try {
            return read(query);
        } catch (Unreadable e) {
            throw new IllegalStateException("a validated query no longer reads: " + e.getMessage(), e);
        }
    }

    /** Named parameters of the statement, in order of appearance (a name may appear several times). */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Words outside literals and comments, lower case, in order (keywords and unquoted names). */
    public List<String> words() {
        return words;
    }

    /** {@code $1}-style parameters found outside literals. */
    public List<String> positional() {
        return positional;
    }

    /** True when a {@code ;} is followed by more SQL. */
    public boolean secondStatement() {
        return secondStatement;
    }

    /** The first significant character: a letter for a keyword, {@code (} for a parenthesised query. */
    public char first() {
        return first;
    }

    /** The statement without a final {@code ;}, comments or whitespace after it. */
    public String statement() {
        return (end < 0 ? source : source.substring(0, end)).stripTrailing();
    }

    /**
     * The statement for a JDBC prepared statement: each named parameter becomes {@code ?} (bound in
     * the order of {@link #parameters()}), and a {@code ?} operator (jsonb's {@code ?}, {@code ?|},
     * {@code ?&}) is written {@code ??}, as the PostgreSQL driver reads it.
     */
    public String jdbc() {
        String statement = statement();
        StringBuilder out = new StringBuilder(statement.length() + 16);
        int p = 0;
        int q = 0;
        for (int i = 0; i < statement.length(); i++) {
            if (p < parameters.size() && parameters.get(p).start() == i) {
                out.append('?');
                i = parameters.get(p++).end() - 1;
            } else if (q < questionMarks.size() && questionMarks.get(q) == i) {
                out.append("??");
                q++;
            } else {
                out.append(statement.charAt(i));
            }
        }
        return out.toString();
    }

    private void lex() throws Unreadable {
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            char next = i + 1 < n ? source.charAt(i + 1) : 0;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && next == '-') {
                int newline = source.indexOf('\n', i);
                i = newline < 0 ? n : newline + 1;
            } else if (c == '/' && next == '*') {
                i = blockComment(i);
            } else {
                i = token(i, c, next);
            }
        }
    }

    /** One significant token at {@code i}; returns where the next one starts. */
    private int token(int i, char c, char next) throws Unreadable {
        if (end >= 0 && c != ';') {
            secondStatement = true;
        }
        if (first == 0) {
            first = c;
        }
        if (c == '\'') {
            return quoted(i, '\'', false, "a string literal");
        } else if (c == '"') {
            return quoted(i, '"', false, "a quoted identifier");
        } else if (c == '$') {
            return dollar(i);
        } else if (c == ':') {
            return colon(i, next);
        } else if (c == '?') {
            questionMarks.add(i);
        } else if (c == ';') {
            end = end < 0 ? i : end;
        } else if (wordStart(c)) {
            return word(i);
        } else if (Character.isDigit(c)) {
            return number(i);
        }
        return i + 1;
    }

    private int word(int start) throws Unreadable {
        int i = start + 1;
        while (i < source.length() && wordPart(source.charAt(i))) {
            i++;
        }
        String word = source.substring(start, i);
        if (word.equalsIgnoreCase("e") && i < source.length() && source.charAt(i) == '\'') {
            return quoted(i, '\'', true, "a string literal");
        }
        words.add(word.toLowerCase(Locale.ROOT));
        return i;
    }

    private int number(int start) {
        int i = start + 1;
        while (i < source.length() && (wordPart(source.charAt(i)) || source.charAt(i) == '.')) {
            i++;
        }
        return i;
    }

    private int colon(int i, char next) {
        if (next == ':') {
            return i + 2;
        }
        if (!wordStart(next)) {
            return i + 1;
        }
        int j = i + 2;
        while (j < source.length() && wordPart(source.charAt(j)) && source.charAt(j) != '$') {
            j++;
        }
        parameters.add(new Parameter(source.substring(i + 1, j), i, j));
        return j;
    }

    /** {@code '...'} or {@code "..."} with the quote doubled inside; {@code E'...'} also escapes with backslashes. */
    private int quoted(int start, char quote, boolean backslashes, String what) throws Unreadable {
        for (int i = start + 1; i < source.length(); i++) {
            char c = source.charAt(i);
            if (backslashes && c == '\\') {
                i++;
            } else if (c == quote) {
                if (i + 1 < source.length() && source.charAt(i + 1) == quote) {
                    i++;
                } else {
                    return i + 1;
                }
            }
        }
        throw new Unreadable(what + " opened at character " + (start + 1) + " is not closed");
    }

    /** {@code $tag$...$tag$} (the tag may be empty), or a positional parameter {@code $1}. */
    private int dollar(int start) throws Unreadable {
        int i = start + 1;
        if (i < source.length() && Character.isDigit(source.charAt(i))) {
            while (i < source.length() && Character.isDigit(source.charAt(i))) {
                i++;
            }
            positional.add(source.substring(start, i));
            return i;
        }
        while (i < source.length() && wordPart(source.charAt(i)) && source.charAt(i) != '$') {
            i++;
        }
        if (i >= source.length() || source.charAt(i) != '$') {
            return start + 1; // a lone $ (an operator character): nothing to step over
        }
        String tag = source.substring(start, i + 1);
        int close = source.indexOf(tag, i + 1);
        if (close < 0) {
            throw new Unreadable(
                    "a dollar-quoted string " + tag + " opened at character " + (start + 1) + " is not closed");
        }
        return close + tag.length();
    }

    private int blockComment(int start) throws Unreadable {
        int depth = 0;
        for (int i = start; i + 1 < source.length(); i++) {
            if (source.charAt(i) == '/' && source.charAt(i + 1) == '*') {
                depth++;
                i++;
            } else if (source.charAt(i) == '*' && source.charAt(i + 1) == '/') {
                depth--;
                i++;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        throw new Unreadable("a comment opened at character " + (start + 1) + " is not closed");
    }

    private static boolean wordStart(char c) {
        return c == '_' || Character.isLetter(c) || c > 0x7f;
    }

    private static boolean wordPart(char c) {
        return wordStart(c) || Character.isDigit(c) || c == '$';
    }
}
