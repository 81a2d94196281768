package io.vidlog.server;

/** Entry point of {@code vidlog-server.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("vidlog server: not wired yet");
  }
}
