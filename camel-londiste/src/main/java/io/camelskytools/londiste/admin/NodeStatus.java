package io.camelskytools.londiste.admin;

/**
 * One member of a cascade as {@code status} shows it. {@code state} says how much is known:
 * {@code ok} (read from its own database), {@code dead} (tagged dead: not read),
 * {@code unreachable} (its database could not be reached), {@code not-a-node} (reached, but no
 * node of the queue there) or {@code unreadable} (reached, but reading it failed); then
 * {@code problem} says why. Fields not known are null. {@code provider} comes from the node
 * itself, or for one that could not be read, from the node that lists it as a subscriber.
 * {@code location} is masked (no password).
 */
public record NodeStatus(String name, String state, String problem, String location, String type, String provider,
                         Long lagSeconds, Long lastTick, Boolean paused, Boolean uptodate, String error,
                         Integer tablesTotal, Integer tablesOk, Integer tablesInCopy, Integer tablesNotReplicated) {

    public static final String OK = "ok";
    public static final String DEAD = "dead";
    public static final String UNREACHABLE = "unreachable";
    public static final String NOT_A_NODE = "not-a-node";
    public static final String UNREADABLE = "unreadable";

    /** A member that was not read: what the member list and its provider's subscriber list tell. */
    static NodeStatus unread(String name, String state, String problem, String location, String provider) {
        return new NodeStatus(name, state, problem, location, null, provider, null, null, null, null, null, null,
                null, null, null);
    }

    public boolean isOk() {
        return OK.equals(state);
    }

    /** Something the operator should look at: a worker error, or a member not tagged dead that could not be read. */
    public boolean hasProblem() {
        return error != null || !(isOk() || DEAD.equals(state));
    }

    NodeStatus withLag(Long seconds) {
        return new NodeStatus(name, state, problem, location, type, provider, seconds, lastTick, paused, uptodate,
                error, tablesTotal, tablesOk, tablesInCopy, tablesNotReplicated);
    }

    NodeStatus withProvider(String p) {
        return new NodeStatus(name, state, problem, location, type, p, lagSeconds, lastTick, paused, uptodate, error,
                tablesTotal, tablesOk, tablesInCopy, tablesNotReplicated);
    }
}
