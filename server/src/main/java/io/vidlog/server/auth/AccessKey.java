package io.vidlog.server.auth;

/**
 * An access key: its public id ({@code AKIA} + 16 characters, as AWS's look), a name for people,
 * its policy and creation time. The secret travels separately ({@link AccessKeyStore.Resolved}) and is
 * never part of {@code toString()}.
 */
public record AccessKey(String id, String name, Policy policy, long createdMillis) {}
