package io.etcdmp.cli.console;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.cli.console.Console.Page;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** Which page or action a path is; writes only with {@code --write}, a session and its CSRF token. */
final class Routes {
    private final Console console;

    Routes(Console console) {
        this.console = console;
    }

    /** A page with its HTTP status, or a redirect after a write (POST, redirect, GET). */
    record Result(Page page, String redirect, int status) {
        static Result of(Page page) {
            return new Result(page, null, 200);
        }

        static Result status(int status, Page page) {
            return new Result(page, null, status);
        }

        static Result redirect(String to) {
            return new Result(null, to, 303);
        }
    }

    Result get(String path, Exchange x) {
        try {
            return switch (path) {
                case "/" -> Result.of(ConfigPages.index(x));
                case "/history" -> Result.of(ConfigPages.history(x));
                case "/registry" -> Result.of(RegistryPages.registry(x));
                case "/changes" -> Result.of(RegistryPages.changes(x));
                case "/login" -> Result.of(Writes.loginPage(x, ""));
                case "/edit" -> x.canWrite() ? Result.of(Writes.editPage(x, "")) : Result.redirect("/login");
                case "/upload" -> x.canWrite() ? Result.of(Writes.uploadPage(x)) : Result.redirect("/login");
                case "/reveal" -> console.options().write() ? Result.status(405, new Page("Use the Reveal button", "", "",
                        Html.message(false, "A value is revealed by its Reveal button (a POST with the page's token)")))
                        : Reveal.readOnly();
                default -> Result.of(null);
            };
        } catch (EtcdMicroprofileException | IllegalArgumentException e) { // etcd's refusal, shown plainly
            return Result.status(e instanceof IllegalArgumentException ? 400 : 502, new Page("etcd refused", "", "",
                    Html.message(false, e.getMessage())));
        }
    }

    Result post(String path, Exchange x, Request request, Response response) throws Exception {
        if (!console.options().write()) {
            if (path.equals("/reveal")) {
                return Reveal.readOnly();
            }
            return Result.status(403, new Page("Read-only", "", "", Html.message(false,
                    "This console is read-only: start it with --write to change anything")));
        }
        String origin = request.getHeaders().get("Origin");
        if (origin != null && !console.allowedOrigin(origin)) { // another site
            return Result.status(403, new Page("Refused", "", "", Html.message(false, "A write from another site (" + origin
                    + ") is refused")));
        }
        if (path.equals("/login")) {
            return Writes.login(x, response, Request.getRemoteAddr(request));
        }
        if (x.session().isEmpty()) {
            return Result.redirect("/login");
        }
        String token = path.equals("/upload") ? request.getHeaders().get("X-CSRF-Token") : x.param("csrf");
        if (!x.session().get().csrfMatches(token)) {
            return Result.status(403, new Page("Refused", "", "", Html.message(false,
                    "Missing or wrong CSRF token: reload the page and try again")));
        }
        try {
            return switch (path) {
                case "/logout" -> Writes.logout(x, response);
                case "/edit", "/delete" -> Writes.edit(x, path.equals("/delete"));
                case "/rollback" -> Writes.rollback(x);
                case "/upload" -> Writes.upload(x, request);
                case "/apply" -> Writes.apply(x);
                case "/reveal" -> Reveal.reveal(x);
                case "/instance" -> Result.redirect(InstanceActions.change(x));
                default -> Result.of(null);
            };
        } catch (EtcdMicroprofileException | IllegalArgumentException | IllegalStateException e) {
            return Result.status(e instanceof IllegalArgumentException ? 400 : 409, new Page("Not done", "", "",
                    Html.message(false, e.getMessage())));
        }
    }
}
