/** Exact concurrent-session limits for Spring Security applications: the Spring Boot starter. */
package dev.sessionlimits.spring;
