/** The admin server's implementations: the limit series read from the runners' history. */
package dev.sluice.admin.internal;
