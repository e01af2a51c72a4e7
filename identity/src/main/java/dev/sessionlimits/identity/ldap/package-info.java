/**
 * LDAP / Active Directory password sign-in with the UnboundID LDAP SDK: {@link
 * dev.sessionlimits.identity.ldap.LdapConfig} reads the {@code SESSIONLIMITS_LDAP_*} variables,
 * {@link dev.sessionlimits.identity.ldap.LdapDirectory} answers a user name and password with a
 * {@link dev.sessionlimits.identity.ldap.DirectoryAnswer}: signed in (with groups), rejected, or
 * unavailable (a 503, never a sign-in).
 */
package dev.sessionlimits.identity.ldap;
