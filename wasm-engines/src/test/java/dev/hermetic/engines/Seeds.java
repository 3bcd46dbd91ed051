package dev.hermetic.engines;

import java.util.Random;

/** Seeds for property tests: {@code -Dhermetic.seed=N} replays a run. */
final class Seeds {

    private Seeds() {}

    static long seed() {
        Long fixed = Long.getLong("hermetic.seed");
        return fixed != null ? fixed : new Random().nextLong();
    }

    static String describe(long seed) {
        return "seed " + seed + " (replay with -Dhermetic.seed=" + seed + ")";
    }
}
