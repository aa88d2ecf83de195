package dev.sluice.history;

import java.time.Instant;
import java.util.List;

/**
 * One shared limit as an operator reads it ({@code sluice_limit_state}). Stable API: {@code sluice
 * limits} and the admin server show it as is.
 *
 * @param name         the limit's name (its row)
 * @param rates        paced rates of the current configuration, e.g. {@code 100/10s}
 * @param quotas       fixed-period budgets, e.g. {@code 15000/1d}
 * @param burst        tokens a paced rate may hand out at once
 * @param headroom     share of each paced rate left unused
 * @param version      the configuration's version (bumped by every job that brings a different one)
 * @param configuredBy the job (and file) that set the current configuration
 * @param updatedAt    when the configuration or the pause last changed
 * @param available    permits a process could take right now (whole tokens every bandwidth has,
 *                     plus permits handed back and still usable); null for a row no
 *                     runner of this version registered yet
 * @param capacity     per bandwidth (rates first, then quotas): the most tokens it holds
 * @param tokens       per bandwidth: the tokens it holds now (below 0: reserved ahead)
 * @param pausedUntil  nobody calls before this (a pause in force), else null
 * @param pauseReason  why (masked), when paused
 * @param observedAt   database time of this reading
 */
public record LimitView(
        String name,
        List<String> rates,
        List<String> quotas,
        int burst,
        double headroom,
        long version,
        String configuredBy,
        Instant updatedAt,
        Long available,
        List<Double> capacity,
        List<Double> tokens,
        Instant pausedUntil,
        String pauseReason,
        Instant observedAt) {}
