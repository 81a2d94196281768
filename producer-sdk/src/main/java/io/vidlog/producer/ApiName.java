package io.vidlog.producer;

/** The APIName values of GetDataEndpoint (docs/wire-protocol.md §4). */
public enum ApiName {
  PUT_MEDIA,
  GET_MEDIA,
  LIST_FRAGMENTS,
  GET_MEDIA_FOR_FRAGMENT_LIST,
  GET_HLS_STREAMING_SESSION_URL,
  GET_DASH_STREAMING_SESSION_URL,
  GET_CLIP,
  GET_IMAGES
}
