package dev.terminus.proxy.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;

import java.util.concurrent.TimeUnit;

/**
 * Runs an action when a deadline passes, for a timer that a connection arms and cancels once or
 * twice per request (the request-header and response timeouts). Cancelling only disarms it, and
 * arming again reuses the check already scheduled: that check finds a later deadline and waits
 * for what is left. So a kept-alive connection schedules about one task per timeout period
 * instead of one per request (a task, a lambda, two priority-queue operations and a clock read
 * each). Time comes from the event loop's {@link Ticker}, which tests can move. Confined to the
 * event loop of {@code executor}; {@link #stop} when the connection ends, so that no check
 * outlives it.
 */
final class DeadlineTimer implements Runnable {

    private final EventExecutor executor;
    private final Ticker ticker;
    private final Runnable action;
    private ScheduledFuture<?> check;
    /** When the scheduled check runs, in ticker time; valid while {@link #check} is set. */
    private long checkAt;
    private long deadline;
    private boolean armed;

    DeadlineTimer(EventExecutor executor, Runnable action) {
        this.executor = executor;
        this.ticker = executor.ticker();
        this.action = action;
    }

    /** Arms the timer to run the action {@code delayMillis} from now, replacing any earlier deadline. */
    void arm(long delayMillis) {
        long delay = TimeUnit.MILLISECONDS.toNanos(delayMillis);
        deadline = ticker.nanoTime() + delay;
        armed = true;
        if (check != null && checkAt - deadline > 0) {
            // The pending check comes after the new deadline (a shorter delay than last time).
            check.cancel(false);
            check = null;
        }
        if (check == null) {
            schedule(delay);
        }
    }

    /** Disarms the timer; the action does not run unless it is armed again. */
    void cancel() {
        armed = false;
    }

    boolean armed() {
        return armed;
    }

    /** Disarms the timer and drops its scheduled check: the connection is gone. */
    void stop() {
        armed = false;
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void schedule(long delayNanos) {
        checkAt = deadline;
        check = executor.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** The scheduled check: runs the action if the deadline passed, else waits for what is left. */
    @Override
    public void run() {
        check = null;
        if (!armed) {
            return;
        }
        long left = deadline - ticker.nanoTime();
        if (left > 0) {
            schedule(left);
            return;
        }
        armed = false;
        action.run();
    }
}
