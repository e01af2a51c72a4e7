package dev.sessionlimits.bench;

import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;

/**
 * The least memory a lookup of a session by its token's hash can touch in Java: an open-addressing
 * table (linear probing, at most half full) of entries that carry the hash's 256 bits and the
 * expiry as numbers beside the session. A hit reads the table's slot and its entry, two dependent
 * loads, and returns the session without following it; a {@link java.util.concurrent
 * .ConcurrentHashMap} follows the slot to its node, the node to its key and, to decide liveness,
 * the session to its expiry.
 *
 * <p>Design note. This is a measuring stick, not a cache: it is filled once, never changes, and has
 * no eviction or concurrency control. What it shows is how far any lookup that must return an
 * object slows down on this machine when the objects no longer fit in the CPU's caches: the floor
 * under {@code TableSizeBenchmark.find}'s ratio of 1,000,000 to 10,000 sessions.
 */
final class LookupFloor {

  private final Entry[] slots;

  /** A table of {@code sessions}, none of them ended. */
  LookupFloor(Collection<Session> sessions) {
    int capacity = Integer.highestOneBit(Math.max(2, sessions.size() * 2 - 1)) << 1;
    slots = new Entry[capacity];
    for (Session session : sessions) {
      // The fill reads the bits from the hash's hex; lookups hash the token.
      Entry entry = new Entry(bits(session.tokenHash().hex()), session);
      int slot = slotOf(entry.h0);
      while (slots[slot] != null) {
        slot = (slot + 1) & (slots.length - 1);
      }
      slots[slot] = entry;
    }
  }

  /** The session of {@code token} if it is in the table and live at {@code now}. */
  Lookup find(String token, Instant now) {
    byte[] digest = sha256().digest(token.getBytes(StandardCharsets.US_ASCII));
    long h0 = longAt(digest, 0);
    long h1 = longAt(digest, 8);
    long h2 = longAt(digest, 16);
    long h3 = longAt(digest, 24);
    for (int slot = slotOf(h0); ; slot = (slot + 1) & (slots.length - 1)) {
      Entry entry = slots[slot];
      if (entry == null) {
        return Lookup.UNKNOWN;
      }
      if (entry.h0 == h0 && entry.h1 == h1 && entry.h2 == h2 && entry.h3 == h3) {
        return (now.getEpochSecond() < entry.expiresSecond)
            ? new Lookup.Live(entry.session)
            : Lookup.UNKNOWN;
      }
    }
  }

  private int slotOf(long h0) {
    return (int) (h0 >>> 32) & (slots.length - 1);
  }

  private static long[] bits(String hex) {
    long[] bits = new long[4];
    for (int i = 0; i < 4; i++) {
      bits[i] = Long.parseUnsignedLong(hex, 16 * i, 16 * i + 16, 16);
    }
    return bits;
  }

  private static long longAt(byte[] b, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[offset + i] & 0xFF);
    }
    return v;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** A session with its hash's bits and its expiry (whole seconds: a measuring stick) as fields. */
  private static final class Entry {
    final long h0;
    final long h1;
    final long h2;
    final long h3;
    final long expiresSecond;
    final Session session;

    Entry(long[] bits, Session session) {
      this.h0 = bits[0];
      this.h1 = bits[1];
      this.h2 = bits[2];
      this.h3 = bits[3];
      this.expiresSecond = session.expiresAt().getEpochSecond();
      this.session = session;
    }
  }
}
