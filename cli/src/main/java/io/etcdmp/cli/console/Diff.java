package io.etcdmp.cli.console;

import java.util.ArrayList;
import java.util.List;

/** A line diff of two values (longest common subsequence), as HTML: removed lines {@code del}, added {@code ins}. */
final class Diff {
    private static final int MAX_LINES = 2000;

    private Diff() {
    }

    static String html(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        if (x.length > MAX_LINES || y.length > MAX_LINES) {
            return Html.message(false, "Too many lines to compare (over " + MAX_LINES + ")");
        }
        int[][] lcs = new int[x.length + 1][y.length + 1];
        for (int i = x.length - 1; i >= 0; i--) {
            for (int j = y.length - 1; j >= 0; j--) {
                lcs[i][j] = x[i].equals(y[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < x.length || j < y.length) {
            if (i < x.length && j < y.length && x[i].equals(y[j])) {
                out.add("<span class=\"same\">  " + Html.esc(x[i]) + "</span>");
                i++;
                j++;
            } else if (j < y.length && (i == x.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("<ins>+ " + Html.esc(y[j]) + "</ins>");
                j++;
            } else {
                out.add("<del>- " + Html.esc(x[i]) + "</del>");
                i++;
            }
        }
        return "<pre class=\"diff\" id=\"diff\">" + String.join("\n", out) + "</pre>";
    }
}
