package io.etcdmp.faults;

import java.time.Duration;

/** What one fault scenario measured; one row of the reliability table. */
final class FaultResult {
    final String scenario;
    final String fault;
    int writes;
    int keysCompared;
    int events;
    int eventsLost;
    Duration writeOutage = Duration.ZERO;
    Duration recovery = Duration.ZERO;
    int reRegistrations;
    boolean registrationSeenMissing;
    Duration registrationBack = Duration.ZERO;

    FaultResult(String scenario, String fault) {
        this.scenario = scenario;
        this.fault = fault;
    }

    String registrationCell() {
        if (reRegistrations == 0 && !registrationSeenMissing) {
            return "kept: same lease, never missing";
        }
        return reRegistrations + " re-registration(s), held again " + millis(registrationBack) + " after recovery"
                + (registrationSeenMissing ? ", missing from discovery for a while" : ", never missing from discovery");
    }

    static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    /** A tab-separated line for target/reliability/faults.tsv. */
    String tsv() {
        return String.join("\t", scenario, fault, Integer.toString(writes), Integer.toString(keysCompared),
                Integer.toString(events), Integer.toString(eventsLost), Long.toString(writeOutage.toMillis()),
                Long.toString(recovery.toMillis()), registrationCell());
    }
}
