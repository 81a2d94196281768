package io.vidlog.playback.request;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.kvs.Paging;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.StreamRules;
import io.vidlog.kvs.http.Fields;
import java.util.List;

/**
 * A validated GetMediaForFragmentList request: 1–1000 fragment numbers in the order to send them
 * (docs/wire-protocol.md §3.2). KVS documents FragmentLimitExceeded for more than 1000; the model's
 * list bound makes it a validation error, as here.
 */
public record FragmentListRequest(StreamRef stream, List<FragmentNumber> fragments) {

  public static FragmentListRequest parse(Fields f) {
    StreamRef stream = f.stream();
    List<String> numbers = f.strings("Fragments", 1, Paging.FRAGMENT_LIST.max(), 1, 128, StreamRules.FRAGMENT_NUMBER);
    return new FragmentListRequest(stream, numbers.stream().map(FragmentNumber::parse).toList());
  }
}
