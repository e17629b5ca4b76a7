package io.etcdmp.cli.console;

import io.etcdmp.internal.cli.SecretNames;
import io.etcdmp.internal.cli.ToolConnection;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code etcdmp console}: a Jetty 12 server (core handlers, no servlet layer) serving server-rendered pages built
 * on the command line's core ({@code EffectiveConfig}, {@code RegistryView}, {@code ChangeRecords},
 * {@code Planning}/{@code Applier}, {@code ConfigStore}), live through one shared etcd watch ({@link Live}).
 * Every response carries a strict Content-Security-Policy; writes need {@code --write}, a login and the CSRF token.
 */
public final class Console implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Console.class.getName());
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /**
     * @param settings     the connection settings of the command line (a login adds the operator's user and password)
     * @param allowedHosts further names ({@code --allowed-host}) a browser may call the console by: a host name or
     *                     address, with a port (exactly that) or without (the console's port, or none)
     */
    public record Options(String bind, int port, boolean write, String configRoot, String registryPrefix,
                          String changesPrefix, Duration sessionTimeout, SecretNames secrets, Map<String, String> settings,
                          List<String> allowedHosts) {
        public Options {
            allowedHosts = allowedHosts.stream().map(Console::allowedHost).toList();
        }

        /** Without further names: the loopback names and the bound address only. */
        public Options(String bind, int port, boolean write, String configRoot, String registryPrefix, String changesPrefix,
                       Duration sessionTimeout, SecretNames secrets, Map<String, String> settings) {
            this(bind, port, write, configRoot, registryPrefix, changesPrefix, sessionTimeout, secrets, settings, List.of());
        }
    }

    /** A page: its title, a navigation line, forms (kept while live updates replace {@code live}), the live part. */
    record Page(String title, String nav, String before, String live) {
    }

    /** The largest form: a value etcd takes (1.5 MiB by default) sent URL-encoded (up to 3 bytes per byte). */
    static final int MAX_FORM_BYTES = 5 << 20;

    private final Options options;
    private final ToolConnection etcd;
    private final Sessions sessions;
    private final LoginLimits loginLimits = new LoginLimits();
    private final Live live;
    private final Server server;
    private final ServerConnector connector;
    private final Routes routes;

    private Console(Options options, ToolConnection etcd) {
        this.options = options;
        this.etcd = etcd;
        this.sessions = new Sessions(options.sessionTimeout().toNanos());
        this.live = new Live(etcd, List.of(options.configRoot(), options.registryPrefix(), options.changesPrefix()));
        this.routes = new Routes(this);
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("etcdmp-console");
        threads.setDaemon(true);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // no Server header, no "Powered by Jetty://" on error pages
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(options.bind());
        connector.setPort(options.port());
        server.addConnector(connector);
        server.setAttribute(org.eclipse.jetty.server.FormFields.MAX_LENGTH_ATTRIBUTE, MAX_FORM_BYTES);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return Console.this.handle(request, response, callback);
            }
        });
    }

    /** Starts serving (the connection stays the caller's); {@link #close()} stops. */
    public static Console start(Options options, ToolConnection etcd) throws Exception {
        Console c = new Console(options, etcd);
        try {
            c.server.start();
            c.live.start();
        } catch (Exception e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The URL it serves at. */
    public String url() {
        String host = options.bind().contains(":") ? "[" + options.bind() + "]" : options.bind();
        return "http://" + host + ":" + connector.getLocalPort() + "/";
    }

    public void join() throws InterruptedException {
        server.join();
    }

    Options options() {
        return options;
    }

    ToolConnection etcd() {
        return etcd;
    }

    Sessions sessions() {
        return sessions;
    }

    LoginLimits loginLimits() {
        return loginLimits;
    }

    /** How many pages listen for live updates (tests). */
    int listeners() {
        return live.listeners();
    }

    private boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        response.getHeaders().put("Content-Security-Policy", CSP);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "same-origin"); // no-referrer would make browsers send Origin: null
        response.getHeaders().put("Cache-Control", "no-store");
        if (!allowedAuthority(request.getHeaders().get(HttpHeader.HOST))) { // DNS rebinding: a foreign name for our address
            Response.writeError(request, response, callback, 421, "This console answers only to " + String.join(", ",
                    authorities()));
            return true;
        }
        try {
            if (path.equals("/favicon.ico")) {
                asset("favicon.svg", response, callback);
                return true;
            }
            if (path.startsWith("/assets/")) {
                asset(path.substring("/assets/".length()), response, callback);
                return true;
            }
            Optional<Sessions.Session> session = Optional.empty();
            for (HttpCookie cookie : Request.getCookies(request)) {
                if (cookie.getName().equals(Sessions.COOKIE)) {
                    session = sessions.find(cookie.getValue());
                }
            }
            boolean post = request.getMethod().equals("POST");
            if (post && !path.equals("/upload") && request.getLength() > MAX_FORM_BYTES) {
                formTooLarge(request, response, callback);
                return true;
            }
            if (options.write() && session.isEmpty() && !path.equals("/login") && !post) { // reads as a logged-in user only
                Response.sendRedirect(request, response, callback, 303, "/login", false);
                return true;
            }
            if (path.equals("/events")) {
                live.subscribe(response, callback);
                return true;
            }
            Fields params = post && path.equals("/upload") ? Request.extractQueryParameters(request) : Request.getParameters(request);
            String outside = outsideRoots(params.getValue("prefix"));
            if (outside != null) {
                Response.writeError(request, response, callback, 400, Html.esc(outside));
                return true;
            }
            Exchange x = new Exchange(params, session, this);
            Routes.Result result = post ? routes.post(path, x, request, response) : routes.get(path, x);
            if (result.redirect() != null) {
                Response.sendRedirect(request, response, callback, result.redirect());
                return true;
            }
            Page page = result.page();
            if (page == null) {
                Response.writeError(request, response, callback, 404, "No such page: " + Html.esc(path));
                return true;
            }
            String user = session.map(s -> "etcd user <b>" + Html.esc(LoginLimits.shown(s.user())) + "</b> "
                    + Html.form("/logout", s.csrf(), "", "Log out", "inline")).orElse(options.write()
                    ? Html.a("/login", "Log in") : "read-only");
            boolean fragment = "1".equals(request.getHeaders().get("X-Live"));
            String html = fragment ? page.live() : Html.page(page.title(), page.nav(), user, page.before(), page.live(),
                    !post && (session.isPresent() || !options.write())); // the login page listens to nothing
            response.setStatus(result.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
            Content.Sink.write(response, true, html, callback);
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "Console request " + path + " failed", e);
            if (e instanceof org.eclipse.jetty.http.HttpException h && h.getCode() == 413 || e.getCause() instanceof
                    org.eclipse.jetty.http.HttpException c && c.getCode() == 413) {
                formTooLarge(request, response, callback);
                return true;
            }
            Response.writeError(request, response, callback, 500, Html.esc(e.getMessage()));
        }
        return true;
    }

    /**
     * 413 for a form over {@link #MAX_FORM_BYTES}, after reading the rest of its body (up to four times the limit):
     * a server that answers and closes while the browser still sends gives it a reset connection, not this page.
     */
    private static void formTooLarge(Request request, Response response, Callback callback) {
        long length = request.getLength();
        if (length >= 0 && length <= 4L * MAX_FORM_BYTES) { // a body of unknown length is not read on
            try {
                Content.Source.consumeAll(request);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "The rest of a form over the limit could not be read", e);
            }
        }
        Response.writeError(request, response, callback, 413, "The form is over the limit of " + MAX_FORM_BYTES
                + " bytes (a value may be up to what etcd takes, 1.5 MiB by default); nothing written");
    }

    private static void asset(String name, Response response, Callback callback) throws IOException {
        String type = name.equals("console.js") ? "text/javascript; charset=utf-8"
                : name.equals("console.css") ? "text/css; charset=utf-8" : name.endsWith(".svg") ? "image/svg+xml" : null;
        InputStream in = type == null ? null : Console.class.getResourceAsStream(name);
        if (in == null) {
            response.setStatus(404);
            callback.succeeded();
            return;
        }
        byte[] bytes;
        try (in) {
            bytes = in.readAllBytes();
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put("Cache-Control", "max-age=300");
        response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
    }

    /**
     * host:port forms a browser may name this console by: the loopback names and the bound address, on our port; an
     * {@code --allowed-host} with a port as given, without one on our port or with none (a proxy on a default port).
     */
    List<String> authorities() {
        int port = connector.getLocalPort();
        java.util.Set<String> hosts = new java.util.LinkedHashSet<>(List.of("127.0.0.1", "localhost", "[::1]"));
        hosts.add(options.bind().contains(":") ? "[" + options.bind() + "]" : options.bind());
        List<String> all = new java.util.ArrayList<>(hosts.stream().flatMap(h -> port == 80 ? java.util.stream.Stream.of(h + ":80", h)
                : java.util.stream.Stream.of(h + ":" + port)).toList());
        for (String h : options.allowedHosts()) {
            all.addAll(h.matches(".*:\\d+") ? List.of(h) : List.of(h + ":" + port, h));
        }
        return all;
    }

    /**
     * An {@code --allowed-host} in the form a Host header carries (lower case, an IPv6 address in brackets): a host
     * name or address, optionally {@code :port}.
     *
     * @throws IllegalArgumentException naming the setting when it is no such name
     */
    public static String allowedHost(String name) {
        String n = name.strip().toLowerCase(java.util.Locale.ROOT);
        if (n.chars().filter(c -> c == ':').count() > 1 && !n.startsWith("[")) {
            n = "[" + n + "]"; // a bare IPv6 address
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\[[0-9a-f:.]+\\]|[a-z0-9]([a-z0-9_.-]*[a-z0-9])?)(:(\\d{1,5}))?")
                .matcher(n);
        if (!m.matches() || m.group(4) != null && (Integer.parseInt(m.group(4)) == 0 || Integer.parseInt(m.group(4)) > 65535)) {
            throw new IllegalArgumentException("--allowed-host " + name + " is no host name or address with an optional "
                    + ":port (e.g. console.example.com, console.example.com:8443, 10.0.0.5, [fd00::5]:8090)");
        }
        return n;
    }

    /** Whether a Host header (or an Origin's authority) names this console. */
    boolean allowedAuthority(String authority) {
        return authority != null && authorities().contains(authority.toLowerCase(java.util.Locale.ROOT));
    }

    /** Whether an Origin header names this console (http, or https behind a proxy that ends TLS). */
    boolean allowedOrigin(String origin) {
        String o = origin.toLowerCase(java.util.Locale.ROOT);
        return o.startsWith("http://") && allowedAuthority(o.substring(7)) || o.startsWith("https://") && allowedAuthority(o.substring(8));
    }

    /** The refusal of a {@code prefix} parameter outside the config, registry and change-record roots, else null. */
    String outsideRoots(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return null;
        }
        String p = prefix.endsWith("/") ? prefix : prefix + "/";
        List<String> roots = List.of(options.configRoot(), options.registryPrefix(), options.changesPrefix());
        return roots.stream().anyMatch(p::startsWith) ? null
                : "The prefix " + prefix + " is outside " + String.join(", ", roots) + ": the console shows only those";
    }

    /** The warning to print when the console listens on more than the loopback interface. */
    public static Optional<String> bindWarning(String bind) {
        String b = bind.toLowerCase(java.util.Locale.ROOT);
        if (b.equals("localhost") || b.equals("::1") || b.equals("[::1]") || b.startsWith("127.")) {
            return Optional.empty();
        }
        return Optional.of("WARNING: --bind " + bind + " makes the console reachable from other machines over plain HTTP"
                + " (passwords and session cookies unencrypted); only browsers naming it " + bind
                + ", a loopback name or an --allowed-host are served. Prefer 127.0.0.1 and an SSH tunnel.");
    }

    /** Sets the session cookie (or clears it with {@code null}). */
    static void cookie(Response response, String value) {
        Response.addCookie(response, HttpCookie.build(Sessions.COOKIE, value == null ? "" : value).path("/").httpOnly(true)
                .sameSite(HttpCookie.SameSite.STRICT).maxAge(value == null ? 0 : -1).build());
    }

    @Override
    public void close() {
        try {
            live.close();
        } finally {
            sessions.close();
            try {
                server.stop();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "Stopping the console's server failed", e);
            }
        }
    }
}
