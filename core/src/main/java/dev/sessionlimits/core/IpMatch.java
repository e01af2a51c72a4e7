package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * Which client addresses a list of sessions keeps: one {@link Exact} address, a text {@link Prefix}
 * of the canonical spelling ({@code 10.1.}, {@code 2001:db8:}), or a {@link Block} of addresses (a
 * CIDR range) given by its lowest and highest {@link IpKey}.
 */
public sealed interface IpMatch {

  /** Whether the session address {@code clientIp} (canonical spelling) is kept. */
  boolean matches(String clientIp);

  /** Exactly this address (canonical spelling). */
  record Exact(String address) implements IpMatch {
    public Exact {
      LoginAttempt.requireNonBlank(address, "address");
    }

    @Override
    public boolean matches(String clientIp) {
      return address.equals(clientIp);
    }
  }

  /** Addresses whose canonical spelling starts with {@code text}: hex digits, dots and colons. */
  record Prefix(String text) implements IpMatch {

    private static final Pattern TEXT = Pattern.compile("[0-9a-f.:]{1,45}");

    public Prefix {
      requireNonNull(text, "text");
      if (!TEXT.matcher(text).matches()) {
        throw new IllegalArgumentException(
            "an address prefix is 1 to 45 lower-case hex digits, dots and colons, got " + text);
      }
    }

    @Override
    public boolean matches(String clientIp) {
      return clientIp.startsWith(text);
    }
  }

  /** The addresses whose {@link IpKey} is from {@code low} to {@code high}, both included. */
  record Block(String low, String high) implements IpMatch {
    public Block {
      requireNonNull(low, "low");
      requireNonNull(high, "high");
      if (low.length() != high.length() || low.charAt(0) != high.charAt(0)) {
        throw new IllegalArgumentException("a block is in one family: " + low + ".." + high);
      }
      if (low.compareTo(high) > 0) {
        throw new IllegalArgumentException("a block's low " + low + " is above its high " + high);
      }
    }

    /** The block of addresses from {@code low} to {@code high} (4 or 16 bytes each). */
    public static Block of(byte[] low, byte[] high) {
      return new Block(IpKey.of(low), IpKey.of(high));
    }

    @Override
    public boolean matches(String clientIp) {
      return IpKey.of(clientIp)
          .map(k -> k.length() == low.length() && k.compareTo(low) >= 0 && k.compareTo(high) <= 0)
          .orElse(false);
    }
  }
}
