package dev.sessionlimits.spring.sample;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Browsers that open the login page first and then post their logins at the same instant (a latch
 * releases them together): a smoke check of the starter under concurrency.
 */
public final class Crowd {

  /** One browser and the answer to its login. */
  public record Login(Browser browser, HttpResponse<String> answer) {

    /** Admitted: redirected anywhere but back to the login page with an error. */
    public boolean admitted() {
      return answer.statusCode() == 302
          && !answer.headers().firstValue("Location").orElse("").contains("error");
    }
  }

  private Crowd() {}

  /** {@code size} browsers sign in as {@code user} at once. */
  public static List<Login> signInAtOnce(int port, int size, String user) throws Exception {
    List<Browser> browsers = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Browser browser = new Browser(port);
      browsers.add(browser);
      tokens.add(browser.loginPageCsrf());
    }
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(size);
    try {
      List<Future<Login>> futures = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        Browser browser = browsers.get(i);
        String csrf = tokens.get(i);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return new Login(browser, browser.login(user, SampleApplication.PASSWORD, csrf));
                }));
      }
      start.countDown();
      List<Login> logins = new ArrayList<>();
      for (Future<Login> future : futures) {
        logins.add(future.get(60, TimeUnit.SECONDS));
      }
      return logins;
    } finally {
      pool.shutdownNow();
    }
  }
}
