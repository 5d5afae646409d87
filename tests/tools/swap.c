/* swap.c - for the race test: exchanges two paths (a folder and a symbolic
 * link) with renameat2(RENAME_EXCHANGE) as fast as it can, for SECONDS
 * seconds, as a process attacking the output folder would.
 * usage: swap PATH-A PATH-B SECONDS */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double limit = atof(argv[3]);
    long swaps = 0;
    for (;;) {
        for (int i = 0; i < 256; i++)
            if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2],
                          RENAME_EXCHANGE) == 0)
                swaps++;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((double)(t.tv_sec - t0.tv_sec)
                + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 > limit)
            break;
    }
    printf("%ld\n", swaps);
    return swaps > 0 ? 0 : 1;
}
