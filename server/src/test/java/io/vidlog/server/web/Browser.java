package io.vidlog.server.web;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromium-driver (never a downloaded browser
 * or driver: this machine has no internet), with the flags that work here and a fresh profile
 * directory. The server's certificate is self-signed, so certificate errors are ignored. Downloads go
 * to a given directory without a prompt.
 */
final class Browser implements AutoCloseable {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String DRIVER = "/usr/bin/chromedriver";
  private final ChromeDriver driver;

  /**
   * @param profile a fresh profile directory
   * @param downloads where downloads are saved, without asking
   */
  Browser(Path profile, Path downloads) {
    if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(DRIVER))) {
      throw new IllegalStateException(CHROMIUM + " and " + DRIVER + " are needed (Debian packages chromium and "
          + "chromium-driver; scripts/test.sh installs them)");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--ignore-certificate-errors", "--window-size=1280,1000",
        "--autoplay-policy=no-user-gesture-required", "--disable-dev-shm-usage");
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    options.setExperimentalOption("prefs", java.util.Map.of("download.default_directory", downloads.toString(),
        "download.prompt_for_download", false));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  WebDriver driver() {
    return driver;
  }

  void open(String url) {
    driver.get(url);
  }

  /** Runs a script in the page and returns its result (a {@code return} statement gives the value). */
  @SuppressWarnings("unchecked")
  <T> T js(String script, Object... args) {
    return (T) driver.executeScript(script, args);
  }

  /** Waits until {@code condition} holds, polling; the deadline only turns a hang into a failure naming {@code what}. */
  <T> T until(String what, Duration deadline, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, deadline, Duration.ofMillis(100)).withMessage(what).until(condition);
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Saves a PNG of the viewport. */
  Path screenshot(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  /** The browser's console messages so far (for failure messages). */
  List<String> console() {
    return driver.manage().logs().get("browser").getAll().stream().map(Object::toString).toList();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
