/** The admin server's implementations: the sampled limit series. */
package dev.sluice.admin.internal;
