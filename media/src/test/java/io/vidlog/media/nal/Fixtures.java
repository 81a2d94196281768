package io.vidlog.media.nal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Loads the ffmpeg-made codec fixtures and the ffprobe golden file beside them. */
public final class Fixtures {
  private static final Pattern FIELD = Pattern.compile("(\\w+)=(.*?)(?=\\s+\\w+=|\\s*$)");

  private Fixtures() {}

  public static byte[] resource(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** codec-golden.txt: fixture name → ffprobe field → value. */
  public static Map<String, Map<String, String>> codecGolden() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String line : new String(resource("/codec/codec-golden.txt"), StandardCharsets.UTF_8)
        .split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      int sp = line.indexOf(' ');
      Map<String, String> fields = new HashMap<>();
      Matcher m = FIELD.matcher(line.substring(sp + 1).trim());
      while (m.find()) {
        fields.put(m.group(1), m.group(2));
      }
      out.put(line.substring(0, sp), fields);
    }
    return out;
  }

  public static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }
}
