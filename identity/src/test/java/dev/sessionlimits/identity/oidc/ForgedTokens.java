package dev.sessionlimits.identity.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.sessionlimits.identity.oidc.OidcAnswer.SignedIn;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/** Tokens a provider never issued, for tests that they are refused. */
final class ForgedTokens {

  private ForgedTokens() {}

  /**
   * A logout token for {@code user}'s session with every claim right, signed with a fresh RSA key
   * that claims the key id of the provider's real signing key.
   */
  static String logoutToken(String issuer, String audience, SignedIn user, Instant now)
      throws Exception {
    String realKeyId = SignedJWT.parse(user.idTokenHint()).getHeader().getKeyID();
    RSAKey key = new RSAKeyGenerator(2048).keyID(realKeyId).generate();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject(user.subject())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(120)))
            .jwtID(UUID.randomUUID().toString())
            .claim("sid", user.sid().orElseThrow())
            .claim("events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()))
            .build();
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(realKeyId).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
