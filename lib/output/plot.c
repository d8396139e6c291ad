/* plot.c — find and run gnuplot (see plot.h).
 *
 * The child is set up with async-signal-safe calls only (chdir, open,
 * dup2, execv); everything it needs is built before fork. The parent polls
 * waitpid every few milliseconds until the child ends or the time limit
 * passes, then kills it. Output goes to hidden temporary names given on the
 * command line (-e), so a chart that fails leaves nothing half-written. */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "output/atomic.h"

static int executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           access(path, X_OK) == 0;
}

int ms_plot_find(const char *prog, char **found)
{
    *found = NULL;
    if (!prog || !prog[0])
        return -1;
    if (strchr(prog, '/')) {
        if (!executable(prog))
            return -1;
        return (*found = strdup(prog)) ? 0 : MS_PLOT_NOMEM;
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    size_t np = strlen(prog);
    while (*path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        if (n) {   /* an empty element would mean the current folder: skip */
            char *cand = malloc(n + np + 2);
            if (!cand)
                return MS_PLOT_NOMEM;
            memcpy(cand, path, n);
            cand[n] = '/';
            memcpy(cand + n + 1, prog, np + 1);
            if (executable(cand)) {
                *found = cand;
                return 0;
            }
            free(cand);
        }
        path += n + (end != NULL);
    }
    return -1;
}

static char *join(const char *dir, const char *file)
{
    size_t nd = strlen(dir), nf = strlen(file);
    char *p = malloc(nd + nf + 2);
    if (p) {
        memcpy(p, dir, nd);
        p[nd] = '/';
        memcpy(p + nd + 1, file, nf + 1);
    }
    return p;
}

/* dir/file into path[PATH_MAX], without allocating (so that what cleans up
 * after running out of memory cannot run out itself); -1 if too long. */
static int join_into(char *path, const char *dir, const char *file)
{
    int k = snprintf(path, PATH_MAX, "%s/%s", dir, file);
    return k < 0 || k >= PATH_MAX ? -1 : 0;
}

int ms_plot_save(const char *dir, const char *file, const ms_buf *b,
                 ms_error *err)
{
    char path[PATH_MAX];
    if (join_into(path, dir, file))
        return ms_fail(err, MS_ERR_IO, "%s/%s: name too long", dir, file);
    if (b->failed)
        return ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", path);
    ms_atomic f;
    if (ms_atomic_open(&f, path, err))
        return -1;
    if (b->n)
        fwrite(b->p, 1, b->n, f.fp);
    return ms_atomic_commit(&f, err);
}

void ms_plot_remove(const char *dir, const char *file)
{
    char path[PATH_MAX];
    if (join_into(path, dir, file) == 0)
        unlink(path);
}

/* The whole of a (small) file, NUL-terminated; NULL if unreadable, with
 * *nomem set when that was for lack of memory. */
static char *slurp(const char *path, size_t max, size_t *n, int *nomem)
{
    *nomem = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *nomem = errno == ENOMEM;
        return NULL;
    }
    ms_buf b = {0};
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0 && b.n <= max)
        ms_buf_add(&b, chunk, k);
    int bad = ferror(fp) || b.n > max;
    fclose(fp);
    ms_buf_addc(&b, '\0');
    if (bad || b.failed) {
        *nomem = b.failed;
        ms_buf_free(&b);
        return NULL;
    }
    *n = b.n - 1;
    return b.p;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* gnuplot's last message ("file" line N: what), as why; lines holding
 * only the caret that points at the error are skipped. */
static void last_message(const char *errpath, char *why, size_t nwhy)
{
    size_t n = 0;
    int nomem;
    char *msg = slurp(errpath, 1 << 16, &n, &nomem);
    if (!msg)
        return;
    const char *last = NULL;
    for (char *line = msg; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        if (line[strspn(line, " ^\t\r")])
            last = line;
        line = end ? end + 1 : NULL;
    }
    if (last)
        snprintf(why, nwhy, "gnuplot: %s", last);
    free(msg);
}

void ms_plot_done(ms_plot_job *j)
{
    for (int i = 0; i < j->n; i++) {
        if (j->png_path[i])
            unlink(j->png_path[i]);
        if (j->svg_path[i])
            unlink(j->svg_path[i]);
        free(j->png_path[i]);
        free(j->svg_path[i]);
        j->png_path[i] = j->svg_path[i] = NULL;
    }
    if (j->err_path)
        unlink(j->err_path);
    free(j->err_path);
    j->err_path = NULL;
    j->n = 0;
    j->pid = -1;
}

int ms_plot_start(ms_plot_job *j, const char *gnuplot, const char *dir,
                  const char *const *names, int n, int timeout_s, char *why,
                  size_t nwhy)
{
    memset(j, 0, sizeof *j);
    j->pid = -1;
    j->timeout_s = timeout_s > 0 ? timeout_s : 30;
    if (n < 1 || n > MS_PLOT_BATCH) {
        snprintf(why, nwhy, "bad number of charts");
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (strspn(names[i], "abcdefghijklmnopqrstuvwxyz0123456789-") !=
                strlen(names[i]) || strlen(names[i]) > 64) {
            snprintf(why, nwhy, "bad chart name");
            return -1;
        }
    /* gnuplot -d, then -e "reset; pngout=…; svgout=…" NAME.gp per chart. */
    char expr[MS_PLOT_BATCH][200], gp[MS_PLOT_BATCH][80], errt[80];
    char *argv[2 + 3 * MS_PLOT_BATCH + 1];
    int a = 0;
    argv[a++] = (char *)gnuplot;
    argv[a++] = "-d";
    j->n = n;
    for (int i = 0; i < n; i++) {
        char png[80], svgt[80];
        snprintf(j->name[i], sizeof j->name[i], "%s", names[i]);
        snprintf(gp[i], sizeof gp[i], "%s.gp", names[i]);
        snprintf(png, sizeof png, ".%s.png.tmp", names[i]);
        snprintf(svgt, sizeof svgt, ".%s.svg.tmp", names[i]);
        snprintf(expr[i], sizeof expr[i],
                 "reset; pngout='%s'; svgout='%s'", png, svgt);
        argv[a++] = "-e";
        argv[a++] = expr[i];
        argv[a++] = gp[i];
        j->png_path[i] = join(dir, png);
        j->svg_path[i] = join(dir, svgt);
        if (!j->png_path[i] || !j->svg_path[i]) {
            snprintf(why, nwhy, "out of memory");
            ms_plot_done(j);
            return MS_PLOT_NOMEM;
        }
    }
    argv[a] = NULL;
    snprintf(errt, sizeof errt, ".%s.err.tmp", names[0]);
    if (!(j->err_path = join(dir, errt))) {
        snprintf(why, nwhy, "out of memory");
        ms_plot_done(j);
        return MS_PLOT_NOMEM;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, nwhy, "cannot start gnuplot: %s", strerror(errno));
        ms_plot_done(j);
        return -1;
    }
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        int in = open("/dev/null", O_RDONLY);
        int er = open(errt, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || er < 0 || dup2(in, 0) < 0 || dup2(er, 1) < 0 ||
            dup2(er, 2) < 0)
            _exit(126);
        execv(gnuplot, argv);
        _exit(127);
    }
    j->pid = pid;
    j->deadline_ms = now_ms() + (int64_t)j->timeout_s * 1000 * n;
    return 0;
}

int ms_plot_wait(ms_plot_job *j, char *why, size_t nwhy)
{
    snprintf(why, nwhy, "gnuplot failed");
    if (j->pid <= 0)
        return -1;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(j->pid, &status, WNOHANG);
        if (r == j->pid)
            break;
        if (r < 0 && errno != EINTR) {
            snprintf(why, nwhy, "gnuplot vanished: %s", strerror(errno));
            return -1;
        }
        if (now_ms() > j->deadline_ms) {
            kill(j->pid, SIGKILL);
            while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
                ;
            j->pid = -1;
            snprintf(why, nwhy, "gnuplot took longer than %d s and was "
                     "stopped", j->timeout_s * j->n);
            return MS_PLOT_TOO_LONG;
        }
        struct timespec pause = {0, 5 * 1000000};
        nanosleep(&pause, NULL);
    }
    j->pid = -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        snprintf(why, nwhy, "gnuplot could not be run");
    else if (WIFEXITED(status))
        snprintf(why, nwhy, "gnuplot failed (exit status %d)",
                 WEXITSTATUS(status));
    else
        snprintf(why, nwhy, "gnuplot was killed by signal %d",
                 WTERMSIG(status));
    last_message(j->err_path, why, nwhy);
    return -1;
}

int ms_plot_take(ms_plot_job *j, const char *dir, int i, char **svg,
                 size_t *nsvg, char *why, size_t nwhy)
{
    int nomem;
    *svg = slurp(j->svg_path[i], (size_t)64 << 20, nsvg, &nomem);
    if (nomem) {
        snprintf(why, nwhy, "out of memory");
        return MS_PLOT_NOMEM;
    }
    struct stat st;
    if (!*svg || *nsvg == 0 || stat(j->png_path[i], &st) != 0 ||
        st.st_size == 0) {
        snprintf(why, nwhy, "gnuplot wrote no picture");
        last_message(j->err_path, why, nwhy);
        free(*svg);
        *svg = NULL;
        *nsvg = 0;
        return -1;
    }
    char png[80], final[PATH_MAX];
    snprintf(png, sizeof png, "%s.png", j->name[i]);
    if (join_into(final, dir, png) || rename(j->png_path[i], final) != 0) {
        snprintf(why, nwhy, "cannot write %s: %s", png, strerror(errno));
        free(*svg);
        *svg = NULL;
        *nsvg = 0;
        return -1;
    }
    return 0;
}

int ms_plot_draw(const char *gnuplot, const char *dir, const char *name,
                 int timeout_s, char **svg, size_t *nsvg, char *why,
                 size_t nwhy)
{
    ms_plot_job j;
    *svg = NULL;
    *nsvg = 0;
    int rc = ms_plot_start(&j, gnuplot, dir, &name, 1, timeout_s, why, nwhy);
    if (rc)
        return rc;
    rc = ms_plot_wait(&j, why, nwhy);
    if (rc == 0)
        rc = ms_plot_take(&j, dir, 0, svg, nsvg, why, nwhy);
    ms_plot_done(&j);
    return rc == MS_PLOT_NOMEM ? rc : rc ? -1 : 0;
}
