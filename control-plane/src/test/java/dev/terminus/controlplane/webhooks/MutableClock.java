package dev.terminus.controlplane.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Holds a settable instant, so that tests move time instead of sleeping; volatile, as worker threads read it. */
final class MutableClock extends Clock {

    private volatile Instant now;

    MutableClock(Instant now) {
        this.now = now;
    }

    /** Moves the clock by {@code amount}. */
    void advance(Duration amount) {
        now = now.plus(amount);
    }

    /** Sets the clock to {@code instant}. */
    void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("tests use UTC");
    }
}
