package dev.terminus.controlplane.store;

import dev.terminus.controlplane.ca.CaCredentials;
import java.util.Map;
import java.util.Optional;

/** Persists the private CA's certificates and (sealed) keys, for the hierarchy's restore. Thread-safe, blocking. */
public interface CaMaterialStore {

    /** Holds what the store has: the root and the subordinates by region. */
    record CaMaterial(CaCredentials root, Map<String, CaCredentials> subordinates) {
        /** Copies the map. */
        public CaMaterial {
            subordinates = Map.copyOf(subordinates);
        }
    }

    /** Saves the root; refuses a second root ({@code CONFLICT}). */
    void saveRoot(CaCredentials root);

    /** Saves {@code region}'s subordinate; refuses a second one for the region ({@code CONFLICT}). */
    void saveSubordinate(String region, CaCredentials subordinate);

    /** Returns the stored CA material, empty before a root was saved. */
    Optional<CaMaterial> load();
}
