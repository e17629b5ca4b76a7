package io.etcdmp.cli.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The console's HTML: every text from etcd, the request or an error goes through {@link #esc} (element text and
 * quoted attribute values alike), so a value such as {@code <script>} or {@code "onmouseover=} is shown as text.
 * The page shell loads only {@code /assets/console.css} and {@code /assets/console.js} (no inline script or style:
 * the Content-Security-Policy forbids them).
 */
final class Html {
    private Html() {
    }

    /** {@code s} escaped for element text and double- or single-quoted attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** {@code s} for a URL query value. */
    static String url(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    /** A link; {@code href} is built by the console from {@link #url}-encoded parts, escaped again here. */
    static String a(String href, String text) {
        return "<a href=\"" + esc(href) + "\">" + esc(text) + "</a>";
    }

    /** A table: {@code head} names, {@code rows} already-escaped cells. */
    static String table(String id, List<String> head, List<List<String>> rows) {
        StringBuilder b = new StringBuilder("<table id=\"").append(esc(id)).append("\"><thead><tr>");
        head.forEach(h -> b.append("<th>").append(esc(h)).append("</th>"));
        b.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            b.append("<tr>");
            row.forEach(cell -> b.append("<td>").append(cell).append("</td>"));
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    /** A POST form with the session's CSRF token; {@code fields}: its inputs (escaped by the caller). */
    static String form(String action, String csrf, String fields, String button, String cssClass) {
        return "<form method=\"post\" action=\"" + esc(action) + "\" class=\"" + esc(cssClass) + "\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">" + fields
                + "<button type=\"submit\">" + esc(button) + "</button></form>";
    }

    static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + esc(name) + "\" value=\"" + esc(value) + "\">";
    }

    /**
     * The page: header with navigation and the session, then {@code before} (forms: never replaced while the
     * operator types), then the live part {@code live}, which the script replaces on each change etcd reports
     * ({@code isLive}; the result of a POST is not: its URL names an action, not a page to fetch again).
     */
    static String page(String title, String nav, String user, String before, String live, boolean isLive) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + esc(title) + " - etcdmp console</title>"
                + "<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">"
                + "<link rel=\"stylesheet\" href=\"/assets/console.css\">"
                + "<script src=\"/assets/console.js\" defer></script></head><body" + (isLive ? "" : " data-static=\"1\"") + ">"
                + "<header><nav aria-label=\"main\"><strong>etcdmp console</strong> "
                + a("/", "Configuration") + " " + a("/registry", "Registry") + " " + a("/changes", "Change log")
                + "</nav><div class=\"session\">" + user + "</div></header>"
                + "<main><h1>" + esc(title) + "</h1>" + nav + before
                + "<div id=\"live\" aria-live=\"polite\">" + live + "</div>"
                + "<p class=\"status\" id=\"live-status\" role=\"status\"></p></main></body></html>";
    }

    /** A message box: {@code ok} green, else red; the text escaped. */
    static String message(boolean ok, String text) {
        return "<p class=\"" + (ok ? "ok" : "error") + "\" role=\"" + (ok ? "status" : "alert") + "\">" + esc(text) + "</p>";
    }
}
