package io.vidlog.bench.index;

import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.crypto.SealContext;

/** For in-memory query and memory benchmarks, where nothing is sealed on the measured path. */
final class NullSealer implements ObjectSealer {
  @Override
  public byte[] seal(SealContext context, byte[] plaintext) {
    return plaintext.clone();
  }

  @Override
  public byte[] open(SealContext context, byte[] sealed) {
    return sealed.clone();
  }
}
