package dev.sessionlimits.core;

import java.util.Locale;

/** Which limit a quota decision is about: the user's or the client address's. */
public enum Scope {
  USER,
  IP;

  private final String code = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in the HTTP API. */
  public String code() {
    return code;
  }
}
