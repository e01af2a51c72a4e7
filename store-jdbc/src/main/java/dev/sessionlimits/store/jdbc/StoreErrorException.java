package dev.sessionlimits.store.jdbc;

/**
 * The database refused what the store asked of it: a programming error (bad SQL, a missing table,
 * data the schema cannot hold), not an outage. Retrying will not help, so it is not a {@link
 * dev.sessionlimits.core.StoreUnavailableException}; a server answers it as an internal error (500)
 * and logs it with its stack trace.
 */
public final class StoreErrorException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreErrorException(String message, Throwable cause) {
    super(message, cause);
  }
}
