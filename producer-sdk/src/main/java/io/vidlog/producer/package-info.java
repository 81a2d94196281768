/**
 * vidlog's producer SDK: a pure-Java client for vidlog and for Amazon Kinesis Video Streams (the
 * same wire, docs/wire-protocol.md), without Vert.x and without native code.
 *
 * <ul>
 *   <li>{@link io.vidlog.producer.VidlogClient}: endpoint, region, credentials and TLS trust; the
 *       control-plane calls (streams, GetDataEndpoint, ListFragments) signed with SigV4.</li>
 *   <li>{@link io.vidlog.producer.StreamProducer}: frames in, MKV fragments out over PutMedia, with
 *       a bounded buffer that keeps every accepted frame until the service acknowledged it, and
 *       reconnects that replay what was not acknowledged.</li>
 *   <li>{@link io.vidlog.producer.StreamReader}: frames out of GetMedia (or of a time range), with
 *       a checkpoint stored after the application processed them, so that a restarted reader
 *       resumes exactly where it stopped.</li>
 * </ul>
 */
package io.vidlog.producer;
