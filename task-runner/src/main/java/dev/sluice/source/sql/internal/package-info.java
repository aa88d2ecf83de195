/** The sql source's reader, its lexer and its row conversion; used only by {@code dev.sluice.source.sql}. */
package dev.sluice.source.sql.internal;
