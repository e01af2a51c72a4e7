package dev.sessionlimits.store.jdbc;

/**
 * The payloads of the PostgreSQL notifications that tell every node the stored settings changed: on
 * channel {@value #CHANNEL}, {@code "1 <origin node> settings"}, sent in the transaction that saves
 * them, so only a committed change is announced. A channel of its own, so nodes of a version that
 * does not listen for it are not disturbed.
 */
final class ChangeNotices {

  /** The channel every node LISTENs on. */
  static final String CHANNEL = "sessionlimits_changed";

  /** What changed: the settings (the only kind so far). */
  static final String SETTINGS = "settings";

  private static final String VERSION = "1";

  private ChangeNotices() {}

  /** What one payload says: which node made the change, and of what kind. */
  record Notice(String origin, String kind) {}

  /** The payload announcing that node {@code origin} saved the settings. */
  static String settings(String origin) {
    return VERSION + ' ' + origin + ' ' + SETTINGS;
  }

  /** The notice in {@code payload}, or null if it is not one this version writes. */
  static Notice parse(String payload) {
    if (payload == null) {
      return null;
    }
    String[] parts = payload.split(" ");
    if (parts.length != 3 || !parts[0].equals(VERSION) || !parts[2].equals(SETTINGS)) {
      return null;
    }
    return new Notice(parts[1], parts[2]);
  }
}
