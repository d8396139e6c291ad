/* report_doc.c — the report's document writer: one set of calls, rendered
 * as Markdown or as HTML (see report_int.h for the escaping rule), and the
 * HTML page around it.
 *
 * The page is one file: inline style and a few lines of inline script
 * (click a column heading to sort a table), charts as SVG data: images. A
 * content security policy forbids every other source: nothing is fetched,
 * and only our script and style (allowed by their SHA-256) run — should an
 * escaping bug ever let markup through, it still could not run. An SVG
 * shown through <img> cannot run script either, and several charts cannot
 * clash over element ids. */
#include "report_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <nettle/base64.h>
#include <nettle/sha2.h>

#include "core/ip.h"
#include "core/timeconv.h"
#include "output/text.h"

/* ---- escaping --------------------------------------------------------- */

static const char hexd[] = "0123456789ABCDEF";

/* Length of a format character (bidi control, zero-width, BOM) at p. */
static size_t format_char(const unsigned char *p, size_t n)
{
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
        ((p[2] >= 0x8B && p[2] <= 0x8F) || (p[2] >= 0xAA && p[2] <= 0xAE)))
        return 3;
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA0 && p[2] <= 0xAF)
        return 3;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        return 3;
    if (n >= 2 && p[0] == 0xD8 && p[1] == 0x9C)   /* U+061C */
        return 2;
    return 0;
}

void ms_report_clean(ms_buf *b, const char *s, size_t n)
{
    ms_buf t = {0};
    if (!ms_text_is_clean(s, n)) {
        ms_text_clean(&t, s, n);
        if (t.failed) {
            b->failed = 1;
            ms_buf_free(&t);
            return;
        }
        s = t.p ? t.p : "";
        n = t.n;
    }
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        size_t k = u[i] >= 0xD8 ? format_char(u + i, n - i) : 0;
        if (!k) {
            i++;
            continue;
        }
        ms_buf_add(b, s + run, i - run);
        for (size_t j = 0; j < k; j++) {
            char esc[4] = {'\\', 'x', hexd[u[i + j] >> 4], hexd[u[i + j] & 15]};
            ms_buf_add(b, esc, 4);
        }
        i += k;
        run = i;
    }
    ms_buf_add(b, s + run, n - run);
    ms_buf_free(&t);
}

void ms_html_escape(ms_buf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *e;
        switch (s[i]) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&#39;"; break;
        default: continue;
        }
        ms_buf_add(b, s + run, i - run);
        ms_buf_adds(b, e);
        run = i + 1;
    }
    ms_buf_add(b, s + run, n - run);
}

/* Markdown punctuation that can start markup anywhere in a line: links
 * and images ([ ] !), emphasis and strikethrough (* _ ~), code (`), table
 * cells (|), math ($ ^), attributes ({ }), headings (#), escapes (\\) get
 * a backslash (any ASCII punctuation may be escaped in CommonMark). HTML
 * and entities (< > &) become &lt; &gt; &amp;, which every Markdown
 * flavour decodes as text, so no raw "<script" is left even for a
 * renderer without backslash escapes. GFM's extended autolinks are broken
 * up too: '@' (e-mail addresses), ':' before "//" (http://…) and '.' after
 * "www". Attacker text never starts a line, so list and heading markers at
 * a line's start need no escape. */
void ms_md_escape(ms_buf *b, const char *s, size_t n)
{
    static const char special[] = "\\`*_{}[]#!|~@$^";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *ent = s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;"
                          : s[i] == '&' ? "&amp;" : NULL;
        if (ent) {
            ms_buf_add(b, s + run, i - run);
            ms_buf_adds(b, ent);
            run = i + 1;
            continue;
        }
        int esc = s[i] && strchr(special, s[i]) != NULL;
        if (s[i] == '.' && i >= 3 && (s[i - 1] | 32) == 'w' &&
            (s[i - 2] | 32) == 'w' && (s[i - 3] | 32) == 'w')
            esc = 1;
        if (s[i] == ':' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/')
            esc = 1;
        if (!esc)
            continue;
        ms_buf_add(b, s + run, i - run);
        ms_buf_addc(b, '\\');
        run = i;
    }
    ms_buf_add(b, s + run, n - run);
}

/* ---- inline ----------------------------------------------------------- */

void ms_doc_ours(ms_doc *d, const char *s)
{
    if (d->html)
        ms_html_escape(d->b, s, strlen(s));
    else
        ms_buf_adds(d->b, s);
}

void ms_doc_ours_fmt(ms_doc *d, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ms_doc_ours(d, buf);
}

/* Attacker text, escaped, into b (no markup around it). */
static void untrusted(ms_doc *d, ms_buf *b, const char *s, size_t n)
{
    d->tmp.n = 0;
    ms_report_clean(&d->tmp, s, n);
    if (d->tmp.failed) {
        b->failed = 1;
        return;
    }
    if (d->html)
        ms_html_escape(b, d->tmp.p ? d->tmp.p : "", d->tmp.n);
    else
        ms_md_escape(b, d->tmp.p ? d->tmp.p : "", d->tmp.n);
}

void ms_doc_untrusted_name_n(ms_doc *d, const char *s, size_t n)
{
    if (d->html)
        ms_buf_adds(d->b, "<span class=\"u\">");
    untrusted(d, d->b, s, n);
    if (d->html)
        ms_buf_adds(d->b, "</span>");
}

void ms_doc_untrusted_name(ms_doc *d, const char *s)
{
    s = s ? s : "";
    ms_doc_untrusted_name_n(d, s, strlen(s));
}

void ms_doc_untrusted_text(ms_doc *d, const char *s)
{
    s = s ? s : "";
    untrusted(d, d->b, s, strlen(s));
}

void ms_doc_user(ms_doc *d, const ms_store *s, uint32_t user)
{
    if (user < s->users.n && s->users.len[user])
        ms_doc_untrusted_name_n(d, s->users.str[user], s->users.len[user]);
    else
        ms_doc_ours(d, "(no name)");
}

void ms_doc_strong(ms_doc *d, const char *s)
{
    ms_buf_adds(d->b, d->html ? "<strong>" : "**");
    ms_doc_ours(d, s);
    ms_buf_adds(d->b, d->html ? "</strong>" : "**");
}

void ms_doc_code(ms_doc *d, const char *s)
{
    ms_buf_adds(d->b, d->html ? "<code>" : "`");
    ms_doc_ours(d, s);
    ms_buf_adds(d->b, d->html ? "</code>" : "`");
}

/* GitHub's heading ids: lower case, spaces to '-', other punctuation
 * dropped. */
static void slug(ms_buf *b, const char *text)
{
    for (const char *p = text; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 'A' && c <= 'Z')
            ms_buf_addc(b, (char)(c | 32));
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_')
            ms_buf_addc(b, (char)c);
        else if (c == ' ')
            ms_buf_addc(b, '-');
    }
}

void ms_doc_link(ms_doc *d, const char *heading)
{
    ms_buf_adds(d->b, d->html ? "<a href=\"#" : "[");
    if (d->html) {
        slug(d->b, heading);
        ms_buf_adds(d->b, "\">");
    }
    ms_doc_ours(d, heading);
    if (d->html) {
        ms_buf_adds(d->b, "</a>");
    } else {
        ms_buf_adds(d->b, "](#");
        slug(d->b, heading);
        ms_buf_addc(d->b, ')');
    }
}

static void add_num(ms_buf *b, uint64_t v)
{
    char t[32];
    int n = snprintf(t, sizeof t, "%llu", (unsigned long long)v);
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            ms_buf_addc(b, ',');
        ms_buf_addc(b, t[i]);
    }
}

void ms_doc_num(ms_doc *d, uint64_t v)
{
    add_num(d->b, v);
}

static size_t fmt_ip(const ms_store *s, uint32_t ip, char *t)
{
    if (!ms_store_ip_real(s, ip)) {
        memcpy(t, "(none)", 7);
        return 6;
    }
    return ms_ip_format(ms_store_ip(s, ip), t);
}

void ms_doc_ip(ms_doc *d, const ms_store *s, uint32_t ip)
{
    char t[MS_IP_STRLEN];
    ms_buf_add(d->b, t, fmt_ip(s, ip, t));
}

/* Seconds since the epoch, rounded down, and the civil fields. */
static void civil(ms_time t, int64_t *y, unsigned *mo, unsigned *dd,
                  unsigned *h, unsigned *mi, unsigned *se)
{
    int64_t secs = t / MS_NS_PER_S - (t % MS_NS_PER_S < 0);
    int64_t days = secs / 86400 - (secs % 86400 < 0);
    int64_t rem = secs - days * 86400;
    ms_civil_from_days(days, y, mo, dd);
    *h = (unsigned)(rem / 3600);
    *mi = (unsigned)(rem / 60 % 60);
    *se = (unsigned)(rem % 60);
}

static size_t fmt_time(ms_time t, char *buf, size_t n)
{
    if (t == MS_TIME_NONE)
        return (size_t)snprintf(buf, n, "?");
    int64_t y;
    unsigned mo, dd, h, mi, se;
    civil(t, &y, &mo, &dd, &h, &mi, &se);
    return (size_t)snprintf(buf, n, "%04lld-%02u-%02u %02u:%02u:%02u",
                            (long long)y, mo, dd, h, mi, se);
}

void ms_doc_time(ms_doc *d, ms_time t)
{
    char buf[48];
    ms_buf_add(d->b, buf, fmt_time(t, buf, sizeof buf));
}

void ms_doc_day(ms_doc *d, ms_time t)
{
    static const char *const months[] = {"January", "February", "March",
        "April", "May", "June", "July", "August", "September", "October",
        "November", "December"};
    if (t == MS_TIME_NONE) {
        ms_doc_ours(d, "an unknown time");
        return;
    }
    int64_t y;
    unsigned mo, dd, h, mi, se;
    civil(t, &y, &mo, &dd, &h, &mi, &se);
    ms_doc_ours_fmt(d, "%u %s %lld %02u:%02u", dd, months[(mo - 1) % 12],
                    (long long)y, h, mi);
}

void ms_doc_dur(ms_doc *d, double secs)
{
    char buf[48];
    ms_buf_add(d->b, buf, ms_duration_format(secs, buf, sizeof buf));
}

/* ---- blocks ----------------------------------------------------------- */

void ms_doc_h(ms_doc *d, int level, const char *text)
{
    if (d->html) {
        ms_buf_adds(d->b, "<h");
        ms_buf_addc(d->b, (char)('0' + level));
        ms_buf_adds(d->b, " id=\"");
        slug(d->b, text);
        ms_buf_adds(d->b, "\">");
        ms_doc_ours(d, text);
        ms_buf_adds(d->b, "</h");
        ms_buf_addc(d->b, (char)('0' + level));
        ms_buf_adds(d->b, ">\n");
    } else {
        for (int i = 0; i < level; i++)
            ms_buf_addc(d->b, '#');
        ms_buf_addc(d->b, ' ');
        ms_doc_ours(d, text);
        ms_buf_adds(d->b, "\n\n");
    }
}

void ms_doc_p(ms_doc *d)
{
    if (d->html)
        ms_buf_adds(d->b, "<p>");
}

void ms_doc_note(ms_doc *d)
{
    ms_buf_adds(d->b, d->html ? "<p class=\"note\">" : "> ");
}

void ms_doc_lead(ms_doc *d)
{
    if (d->html)
        ms_buf_adds(d->b, "<p class=\"lead\">");
}

void ms_doc_pend(ms_doc *d)
{
    ms_buf_adds(d->b, d->html ? "</p>\n" : "\n\n");
}

void ms_doc_ul(ms_doc *d)
{
    if (d->html)
        ms_buf_adds(d->b, "<ul>\n");
}

void ms_doc_li(ms_doc *d)
{
    ms_buf_adds(d->b, d->html ? "<li>" : "- ");
}

void ms_doc_liend(ms_doc *d)
{
    ms_buf_adds(d->b, d->html ? "</li>\n" : "\n");
}

void ms_doc_ulend(ms_doc *d)
{
    ms_buf_adds(d->b, d->html ? "</ul>\n" : "\n");
}

void ms_doc_details(ms_doc *d, const char *summary)
{
    if (d->html) {
        ms_buf_adds(d->b, "<details><summary>");
        ms_doc_ours(d, summary);
        ms_buf_adds(d->b, "</summary>\n");
    } else {
        ms_doc_strong(d, summary);
        ms_buf_adds(d->b, "\n\n");
    }
}

void ms_doc_details_end(ms_doc *d)
{
    if (d->html)
        ms_buf_adds(d->b, "</details>\n");
}

void ms_doc_table(ms_doc *d, const char *const *cols, const char *align)
{
    d->ncols = 0;
    d->align = align;
    ms_buf_adds(d->b, d->html ? "<div class=\"tw\"><table class=\"sort\">"
                                "<thead><tr>"
                              : "|");
    for (; cols[d->ncols]; d->ncols++) {
        if (d->html) {
            ms_buf_adds(d->b, align[d->ncols] == 'r' ? "<th class=\"n\">"
                                                     : "<th>");
            ms_doc_ours(d, cols[d->ncols]);
            ms_buf_adds(d->b, "</th>");
        } else {
            ms_buf_addc(d->b, ' ');
            ms_doc_ours(d, cols[d->ncols]);
            ms_buf_adds(d->b, " |");
        }
    }
    if (d->html) {
        ms_buf_adds(d->b, "</tr></thead>\n<tbody>\n");
        return;
    }
    ms_buf_adds(d->b, "\n|");
    for (size_t j = 0; j < d->ncols; j++)
        ms_buf_adds(d->b, d->align[j] == 'r' ? "---:|" : "---|");
    ms_buf_addc(d->b, '\n');
}

/* The class of a cell (the style says what each does), or NULL: by its
 * column's align letter (ms_doc_table) and its kind. A name or path is
 * broken anywhere only when long: a short one stays whole. */
static const char *cell_class(char align, const ms_rv *c)
{
    if (align == 'r')
        return "n";
    if (align == 'w')
        return "w";
    if (align == 'p' && c->k == MS_RV_STR && c->n > 20)
        return "p";
    return c->k == MS_RV_IP ? "t" : NULL;
}

/* A time in a cell; in HTML its date is kept whole, and a narrow column
 * breaks the line before the hour only. */
static void add_time(ms_doc *d, const char *t, size_t n)
{
    const char *sp = d->html ? memchr(t, ' ', n) : NULL;
    if (!sp) {
        ms_buf_add(d->b, t, n);
        return;
    }
    ms_buf_adds(d->b, "<span class=\"t\">");
    ms_buf_add(d->b, t, (size_t)(sp - t));
    ms_buf_adds(d->b, "</span>");
    ms_buf_add(d->b, sp, n - (size_t)(sp - t));
}

/* The sort key of an address: v4 before v6, then by bytes. */
static void ip_key(ms_buf *b, const ms_ip *ip)
{
    ms_buf_adds(b, ms_ip_is_v4(ip) ? "ip4" : "ip6");
    for (int i = 0; i < 16; i++) {
        ms_buf_addc(b, hexd[ip->b[i] >> 4]);
        ms_buf_addc(b, hexd[ip->b[i] & 15]);
    }
}

void ms_doc_row(ms_doc *d, const ms_rv *v)
{
    ms_buf *b = d->b;
    char t[64];
    ms_buf_adds(b, d->html ? "<tr>" : "|");
    for (size_t j = 0; j < d->ncols; j++) {
        const ms_rv *c = &v[j];
        if (d->html) {
            const char *cls = cell_class(d->align[j], c);
            ms_buf_adds(b, "<td");
            if (cls) {
                ms_buf_adds(b, " class=\"");
                ms_buf_adds(b, cls);
                ms_buf_addc(b, '"');
            }
            switch (c->k) {
            case MS_RV_INT:
            case MS_RV_MS:
                ms_buf_adds(b, " data-v=\"");
                ms_buf_addi(b, c->i);
                ms_buf_addc(b, '"');
                break;
            case MS_RV_TIME:
                if (c->i != MS_TIME_NONE) {
                    ms_buf_adds(b, " data-v=\"");
                    ms_buf_addi(b, c->i / MS_NS_PER_S);
                    ms_buf_addc(b, '"');
                }
                break;
            case MS_RV_IP:
                if (!ms_ip_is_unset(c->ip)) {
                    ms_buf_adds(b, " data-v=\"");
                    ip_key(b, c->ip);
                    ms_buf_addc(b, '"');
                }
                break;
            default:
                break;
            }
            ms_buf_addc(b, '>');
        } else {
            ms_buf_addc(b, ' ');
        }
        switch (c->k) {
        case MS_RV_STR:
            untrusted(d, b, c->s ? c->s : "", c->s ? c->n : 0);
            break;
        case MS_RV_INT:
            if (c->i < 0) {
                ms_buf_addc(b, '-');
                add_num(b, (uint64_t)-(c->i + 1) + 1);
            } else {
                add_num(b, (uint64_t)c->i);
            }
            break;
        case MS_RV_MS:
            ms_buf_add(b, t,
                       ms_duration_format((double)c->i / 1000, t, sizeof t));
            break;
        case MS_RV_TIME:
            if (c->i != MS_TIME_NONE)
                add_time(d, t, fmt_time(c->i, t, sizeof t));
            break;
        case MS_RV_IP:
            if (!ms_ip_is_unset(c->ip))
                ms_buf_add(b, t, ms_ip_format(c->ip, t));
            break;
        default:
            break;
        }
        ms_buf_adds(b, d->html ? "</td>" : " |");
    }
    ms_buf_adds(b, d->html ? "</tr>\n" : "\n");
}

void ms_doc_tend(ms_doc *d)
{
    ms_buf_adds(d->b, d->html ? "</tbody></table></div>\n" : "\n");
}

void ms_doc_chart(ms_doc *d, const ms_chart *c)
{
    switch (c->state) {
    case MS_CHART_DRAWN:
        if (d->html) {
            ms_buf_adds(d->b, "<figure><img alt=\"");
            ms_doc_ours(d, c->alt);
            ms_buf_adds(d->b, "\" src=\"data:image/svg+xml;base64,");
            ms_base64(d->b, c->svg, c->nsvg);
            ms_buf_adds(d->b, "\"></figure>\n");
        } else {
            ms_buf_adds(d->b, "![");
            ms_doc_ours(d, c->alt);
            ms_buf_adds(d->b, "](");
            ms_buf_adds(d->b, c->name);
            ms_buf_adds(d->b, ".png)\n\n");
        }
        break;
    case MS_CHART_SCRIPT:
    case MS_CHART_FAILED:
        ms_doc_note(d);
        ms_doc_ours(d, "Chart not drawn (");
        if (c->state == MS_CHART_SCRIPT)
            ms_doc_ours(d, "gnuplot is not installed");
        else
            ms_doc_untrusted_name(d, c->why);
        ms_doc_ours_fmt(d, "): %s. To draw it, run ", c->alt);
        ms_buf_adds(d->b, d->html ? "<code>" : "`");
        ms_doc_ours_fmt(d, "gnuplot %s.gp", c->name);
        ms_buf_adds(d->b, d->html ? "</code>" : "`");
        ms_doc_ours(d, " in the report's folder.");
        ms_doc_pend(d);
        break;
    default:
        break;
    }
}

void ms_doc_free(ms_doc *d)
{
    ms_buf_free(&d->tmp);
}

/* ---- base64 and SHA-256 (nettle) ------------------------------------ */

void ms_base64(ms_buf *b, const void *data, size_t n)
{
    if (ms_buf_reserve(b, BASE64_ENCODE_RAW_LENGTH(n)))
        return;
    base64_encode_raw(b->p + b->n, n, data);
    b->n += BASE64_ENCODE_RAW_LENGTH(n);
}

void ms_sha256_b64(const void *data, size_t n, char out[45])
{
    struct sha256_ctx ctx;
    uint8_t dig[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, n, data);
    sha256_digest(&ctx, sizeof dig, dig);
    base64_encode_raw(out, sizeof dig, dig);
    out[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE)] = '\0';
}

/* ---- the HTML page ---------------------------------------------------- */

static const char style[] =
    ":root{--fg:#1f2328;--mute:#59636e;--line:#d8dee4;--soft:#f6f8fa;"
    "--accent:#b42318}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;color:var(--fg);background:#fff;font:16px/1.55 system-ui,"
    "-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}\n"
    "main{max-width:66rem;margin:0 auto;padding:1rem 1.25rem 3rem}\n"
    "h1{font-size:1.8rem;line-height:1.25;margin:.5rem 0 1rem}\n"
    "h2{font-size:1.35rem;margin:2.4rem 0 .8rem;padding-bottom:.25rem;"
    "border-bottom:2px solid var(--line)}\n"
    "h3{font-size:1.1rem;margin:1.8rem 0 .6rem}\n"
    ".lead{font-size:1.08rem;border-left:4px solid var(--accent);"
    "padding:.2rem 0 .2rem .9rem}\n"
    ".note{color:var(--mute);border-left:3px solid var(--line);"
    "padding-left:.7rem}\n"
    ".tw{overflow-x:auto;margin:.8rem 0 1.2rem}\n"
    "table{border-collapse:collapse;font-size:.9rem}\n"
    "th,td{padding:.3rem .65rem;border-bottom:1px solid var(--line);"
    "text-align:left;vertical-align:top}\n"
    "th{background:var(--soft);cursor:pointer;"
    "user-select:none}\n"
    "th[aria-sort=ascending]::after{content:' \\25B2';font-size:.7em}\n"
    "th[aria-sort=descending]::after{content:' \\25BC';font-size:.7em}\n"
    ".n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.n,.t{white-space:nowrap}\n"
    "td.p,td.w{overflow-wrap:anywhere}\n"
    "td.p:not(:empty){min-width:8rem}\n"
    "td.w:not(:empty){min-width:18rem}\n"
    "tbody tr:nth-child(even){background:#fbfcfd}\n"
    "tbody tr:hover{background:#fff8e6}\n"
    "code,.u{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
    "monospace;font-size:.88em}\n"
    ".u{background:#f3f1f1;padding:0 .2em;border-radius:3px;"
    "overflow-wrap:anywhere}\n"
    "td .u{background:none;padding:0}\n"
    "code{background:var(--soft);padding:.05em .3em;border-radius:3px}\n"
    "figure{margin:1rem 0 1.6rem}\n"
    "figure img{display:block;width:100%;height:auto;"
    "border:1px solid var(--line);border-radius:4px}\n"
    "figcaption{color:var(--mute);font-size:.88rem;margin-top:.3rem}\n"
    "details{margin:.6rem 0 1rem}\n"
    "summary{cursor:pointer;color:#0550ae}\n"
    "nav ul{columns:2 14rem;padding-left:1.2rem}\n"
    "a{color:#0550ae}\n"
    "footer{margin-top:3rem;color:var(--mute);font-size:.85rem}\n"
    "@media (max-width:40rem){body{font-size:15px}main{padding:.6rem .8rem 2rem}"
    "h1{font-size:1.45rem}th,td{padding:.25rem .4rem}"
    "figure{overflow-x:auto}figure img{width:40rem;max-width:none}"
    "td.w:not(:empty){min-width:13rem}}\n"
    "@media print{body{font-size:10.5pt}main{max-width:none;padding:0}"
    "nav,summary{display:none}h2,h3{break-after:avoid}"
    "tr,figure{break-inside:avoid}.tw{overflow:visible}"
    "th{cursor:auto}th::after{content:none!important}"
    "a{color:inherit;text-decoration:none}"
    "tbody tr:nth-child(even){background:none}}\n";

static const char script[] =
    "(function(){\n"
    "function key(c){var v=c.getAttribute('data-v');"
    "return v===null?c.textContent.trim():v;}\n"
    "function cmp(p,q){var m=Number(p),n=Number(q);"
    "if(p!==''&&q!==''&&!isNaN(m)&&!isNaN(n))return m-n;"
    "return p<q?-1:p>q?1:0;}\n"
    "var ts=document.querySelectorAll('table.sort');\n"
    "for(var t=0;t<ts.length;t++)(function(tb){\n"
    " var hs=tb.tHead.rows[0].cells;\n"
    " for(var i=0;i<hs.length;i++)(function(h,i){\n"
    "  h.tabIndex=0;h.title='Click to sort';\n"
    "  function go(){\n"
    "   var up=h.getAttribute('aria-sort')!=='ascending';\n"
    "   for(var j=0;j<hs.length;j++)hs[j].removeAttribute('aria-sort');\n"
    "   h.setAttribute('aria-sort',up?'ascending':'descending');\n"
    "   var b=tb.tBodies[0],r=[].slice.call(b.rows);\n"
    "   r.sort(function(x,y){var c=cmp(key(x.cells[i]),key(y.cells[i]));"
    "return up?c:-c;});\n"
    "   for(var k=0;k<r.length;k++)b.appendChild(r[k]);\n"
    "  }\n"
    "  h.addEventListener('click',go);\n"
    "  h.addEventListener('keydown',function(e){"
    "if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}});\n"
    " })(hs[i],i);\n"
    "})(ts[t]);\n"
    "window.addEventListener('beforeprint',function(){"
    "var d=document.querySelectorAll('details');"
    "for(var i=0;i<d.length;i++)d[i].open=true;});\n"
    "})();\n";

void ms_doc_page(ms_buf *out, const char *title, const ms_buf *body, int html)
{
    if (!html) {
        ms_buf_add(out, body->p ? body->p : "", body->n);
        return;
    }
    char hs[45], hj[45];
    ms_sha256_b64(style, sizeof style - 1, hs);
    ms_sha256_b64(script, sizeof script - 1, hj);
    ms_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                     "<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, "
                     "initial-scale=1\">\n"
                     "<meta http-equiv=\"Content-Security-Policy\" content=\""
                     "default-src 'none'; img-src data:; style-src 'sha256-");
    ms_buf_adds(out, hs);
    ms_buf_adds(out, "'; script-src 'sha256-");
    ms_buf_adds(out, hj);
    ms_buf_adds(out, "'; base-uri 'none'; form-action 'none'\">\n"
                     "<meta name=\"color-scheme\" content=\"light\">\n<title>");
    ms_html_escape(out, title, strlen(title));
    ms_buf_adds(out, "</title>\n<style>");
    ms_buf_adds(out, style);
    ms_buf_adds(out, "</style>\n</head>\n<body>\n<main>\n");
    ms_buf_add(out, body->p ? body->p : "", body->n);
    ms_buf_adds(out, "</main>\n<script>");
    ms_buf_adds(out, script);
    ms_buf_adds(out, "</script>\n</body>\n</html>\n");
}
