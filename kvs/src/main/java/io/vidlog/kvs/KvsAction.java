package io.vidlog.kvs;

/**
 * The KVS actions a route needs and a policy grants (IAM's {@code kinesisvideo:<Action>}), with the
 * error a caller whose policy lacks one receives: the control plane answers AccessDeniedException,
 * the media APIs NotAuthorizedException (both 401, docs/wire-protocol.md §0).
 */
public enum KvsAction {
  CREATE_STREAM("CreateStream", Family.CONTROL),
  DESCRIBE_STREAM("DescribeStream", Family.CONTROL),
  LIST_STREAMS("ListStreams", Family.CONTROL),
  DELETE_STREAM("DeleteStream", Family.CONTROL),
  UPDATE_STREAM("UpdateStream", Family.CONTROL),
  UPDATE_DATA_RETENTION("UpdateDataRetention", Family.CONTROL),
  GET_DATA_ENDPOINT("GetDataEndpoint", Family.CONTROL),
  TAG_STREAM("TagStream", Family.CONTROL),
  UNTAG_STREAM("UntagStream", Family.CONTROL),
  LIST_TAGS_FOR_STREAM("ListTagsForStream", Family.CONTROL),
  TAG_RESOURCE("TagResource", Family.CONTROL),
  UNTAG_RESOURCE("UntagResource", Family.CONTROL),
  LIST_TAGS_FOR_RESOURCE("ListTagsForResource", Family.CONTROL),
  PUT_MEDIA("PutMedia", Family.MEDIA),
  GET_MEDIA("GetMedia", Family.MEDIA),
  LIST_FRAGMENTS("ListFragments", Family.MEDIA),
  GET_MEDIA_FOR_FRAGMENT_LIST("GetMediaForFragmentList", Family.MEDIA),
  GET_HLS_STREAMING_SESSION_URL("GetHLSStreamingSessionURL", Family.MEDIA),
  GET_DASH_STREAMING_SESSION_URL("GetDASHStreamingSessionURL", Family.MEDIA),
  GET_CLIP("GetClip", Family.MEDIA),
  GET_IMAGES("GetImages", Family.MEDIA);

  /** Which API family an action belongs to; decides the denial error. */
  public enum Family { CONTROL, MEDIA }

  private final String actionName;
  private final Family family;

  KvsAction(String actionName, Family family) {
    this.actionName = actionName;
    this.family = family;
  }

  /** The IAM action name without the {@code kinesisvideo:} prefix, e.g. {@code PutMedia}. */
  public String actionName() {
    return actionName;
  }

  public Family family() {
    return family;
  }

  /** The error for a caller whose policy does not grant this action on {@code resource}. */
  public KvsException denied(String principalId, String resource) {
    String message = "User: " + principalId + " is not authorized to perform: kinesisvideo:" + actionName
        + (resource == null ? "" : " on resource: " + resource);
    return (family == Family.CONTROL ? KvsError.ACCESS_DENIED : KvsError.NOT_AUTHORIZED).exception(message);
  }

  @Override
  public String toString() {
    return actionName;
  }
}
