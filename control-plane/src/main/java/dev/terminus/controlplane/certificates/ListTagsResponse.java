package dev.terminus.controlplane.certificates;

import java.util.SortedMap;

/** Carries a certificate's tags, sorted by key. */
public record ListTagsResponse(SortedMap<String, String> tags) {
}
