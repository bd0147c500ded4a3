package dev.terminus.controlplane.certificates;

import java.util.List;

/** Carries events oldest first and the cursor to pass as the next {@code afterId} (unchanged when none were new). */
public record ReadEventsResponse(List<CertificateEvent> events, long nextAfterId) {

    /** Copies the list. */
    public ReadEventsResponse {
        events = List.copyOf(events);
    }
}
