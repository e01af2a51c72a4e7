/**
 * Identity sources: who a user is and which groups she belongs to, as an LDAP / Active Directory
 * server or an OpenID Connect provider says. Nothing here opens a session or decides a limit; the
 * server asks these classes who the user is, then applies the limits exactly as for a local user.
 */
package dev.sessionlimits.identity;
