package dev.terminus.controlplane.certificates;

import java.util.SortedMap;

/** Carries the certificate's tags after the addition. */
public record AddTagsResponse(SortedMap<String, String> tags) {
}
