package io.vidlog.producer;

/** Any failure of an SDK call: the service refused it ({@link ServiceException}) or could not be reached ({@link ConnectionException}). */
public class VidlogException extends RuntimeException {
  public VidlogException(String message) {
    super(message);
  }

  public VidlogException(String message, Throwable cause) {
    super(message, cause);
  }
}
