package io.vidlog.producer.cli;

import io.vidlog.media.MediaFormatException;
import io.vidlog.producer.VidlogException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/** One line a person can act on for each failure a command can end with. */
final class Failures {
  private Failures() {}

  static String describe(Throwable e) {
    if (e instanceof VidlogException || e instanceof MediaFormatException || e instanceof IllegalArgumentException
        || e instanceof IllegalStateException || e instanceof CommandFailure) {
      return e.getMessage() + cause(e);
    }
    if (e instanceof NoSuchFileException n) {
      return "no such file: " + n.getFile();
    }
    if (e instanceof AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (e instanceof FileAlreadyExistsException f) {
      return "already exists: " + f.getFile();
    }
    if (e instanceof IOException) {
      return "I/O error: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    }
    if (e instanceof InterruptedException) {
      return "interrupted";
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /** The root cause when it says more than the message. */
  private static String cause(Throwable e) {
    Throwable c = e.getCause();
    while (c != null && c.getCause() != null) {
      c = c.getCause();
    }
    if (c == null || c.getMessage() == null || e.getMessage() == null || e.getMessage().contains(c.getMessage())) {
      return "";
    }
    return " (" + c.getMessage() + ")";
  }

  /** A command ran and did not achieve what it was asked: its message is the whole story. */
  static final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
      super(message);
    }
  }
}
