package io.vidlog.playback.request;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.streams.StreamRef;
import java.util.ArrayList;
import java.util.List;

/** A validated GetMediaForFragmentList request: 1–1000 fragment numbers in the order to send them (kvs-api.md §3.2). */
public record FragmentListRequest(StreamRef stream, List<FragmentNumber> fragments) {

  public static final int MAX_FRAGMENTS = 1000;

  public static FragmentListRequest parse(JsonObject json) {
    if (json == null) {
      throw JsonFields.invalid("A JSON request body is required");
    }
    StreamRef stream = JsonFields.stream(json);
    JsonArray list = JsonFields.array(json, "Fragments");
    if (list == null || list.isEmpty()) {
      throw JsonFields.invalid("Fragments must list 1-" + MAX_FRAGMENTS + " fragment numbers");
    }
    if (list.size() > MAX_FRAGMENTS) {
      // KVS documents FragmentLimitExceeded for this; the model's list bound makes it a validation error.
      throw JsonFields.invalid("Fragments lists " + list.size() + " fragments; at most " + MAX_FRAGMENTS
          + " are allowed");
    }
    List<FragmentNumber> numbers = new ArrayList<>(list.size());
    for (Object o : list) {
      if (!(o instanceof String s) || !FragmentNumber.isValid(s)) {
        throw JsonFields.invalid("Each fragment number must be a string of 1-128 digits");
      }
      numbers.add(FragmentNumber.parse(s));
    }
    return new FragmentListRequest(stream, List.copyOf(numbers));
  }
}
