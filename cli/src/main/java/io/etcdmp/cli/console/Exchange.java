package io.etcdmp.cli.console;

import io.etcdmp.internal.cli.SecretNames;
import io.etcdmp.internal.cli.ToolConnection;
import org.eclipse.jetty.util.Fields;

import java.util.Optional;

/**
 * One request as the pages see it: its parameters (query and form), the operator's session when logged in,
 * and the etcd connection to act with: the session's (its etcd user) when there is one, else the console's own
 * (only in a read-only console: with {@code --write} every request without a session is sent to the login).
 */
final class Exchange {
    private final Fields params;
    private final Optional<Sessions.Session> session;
    private final Console console;

    Exchange(Fields params, Optional<Sessions.Session> session, Console console) {
        this.params = params;
        this.session = session;
        this.console = console;
    }

    /** The parameter, or "" when absent. */
    String param(String name) {
        String v = params.getValue(name);
        return v == null ? "" : v;
    }

    Optional<Sessions.Session> session() {
        return session;
    }

    ToolConnection etcd() {
        return session.map(Sessions.Session::etcd).orElse(console.etcd());
    }

    Console console() {
        return console;
    }

    SecretNames secrets() {
        return console.options().secrets();
    }

    /** The CSRF token of the session for forms, "" without one (no form is shown then). */
    String csrf() {
        return session.map(Sessions.Session::csrf).orElse("");
    }

    /** True when writes are allowed: started with --write and logged in. */
    boolean canWrite() {
        return console.options().write() && session.isPresent();
    }
}
