package dev.sessionlimits.core;

/** The store cannot be reached or failed; the operation did nothing. Logins fail closed on it. */
public final class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
