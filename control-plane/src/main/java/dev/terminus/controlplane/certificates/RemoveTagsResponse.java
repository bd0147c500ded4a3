package dev.terminus.controlplane.certificates;

import java.util.SortedMap;

/** Carries the certificate's tags after the removal. */
public record RemoveTagsResponse(SortedMap<String, String> tags) {
}
