/* gen_prefilter_blob.c — a build step, not part of the CLI: compiles the
 * built-in recognisers' prefilter databases and writes them, as a C array,
 * to the file named by its one argument (prefilter_blob.h declares it).
 * The CLI hands the array to its recognisers, so a run starts without
 * compiling them; with --patterns, another Hyperscan or another CPU the
 * databases do not fit and are compiled as before (lib/parse/prebuilt.h).
 * Built without Hyperscan, the array is empty. Exit 0, or 1 with a message. */
#include <stdio.h>

#include "parse/recognizer.h"

static int write_blob(FILE *f, const ms_buf *b)
{
    fputs("/* Written by cmd/gen_prefilter_blob.c at build time. */\n"
          "#include \"prefilter_blob.h\"\n\n"
          "const unsigned char ms_prefilter_blob[] = {", f);
    for (size_t i = 0; i < b->n; i++)
        fprintf(f, "%s%u,", i % 20 ? "" : "\n", (unsigned char)b->p[i]);
    fprintf(f, "%s};\nconst size_t ms_prefilter_blob_size = %zu;\n",
            b->n ? "\n" : "0", b->n);
    return ferror(f) ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: gen-prefilter-blob OUTPUT.c\n", stderr);
        return 1;
    }
    ms_error err = {0};
    ms_buf b = {0};
    ms_recognizers *r = ms_recognizers_new(&err);
    int rc = !r || ms_recognizers_export_prefilter(r, &b, &err);
    ms_recognizers_free(r);
    if (rc) {
        fprintf(stderr, "gen-prefilter-blob: %s\n", err.msg);
        ms_buf_free(&b);
        return 1;
    }
    FILE *f = fopen(argv[1], "w");
    if (!f || write_blob(f, &b) || fclose(f)) {
        perror(argv[1]);
        ms_buf_free(&b);
        return 1;
    }
    ms_buf_free(&b);
    return 0;
}
