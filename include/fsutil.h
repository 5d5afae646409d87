/* fsutil.h - writing output files safely.
 *
 * Every output file is written to a temporary file in the same folder
 * (".NAME.XXXXXX", created with O_EXCL and mode 0666 minus the umask),
 * flushed with fsync, closed and only then renamed over NAME.  A failure
 * at any step (ENOSPC, EIO, EDQUOT, a read-only folder...) removes the
 * temporary file, leaves any previous NAME untouched and reports an SP_D_IO
 * diagnostic naming the path and the system error.  Nothing is printed.
 *
 * Special files.  A rename replaces only a regular file (or nothing):
 * when NAME exists and is anything else (a symbolic link, a FIFO, a
 * device, a folder), sp_afile_openat refuses it with an SP_D_IO error.
 * sp_afile_open, for a file the user named (calibrate -o FILE), writes
 * into an existing FIFO, character device or symbolic link in place, as
 * a shell's '>' would (a FIFO nobody reads is an error, never a hang; a
 * link's regular target is truncated and rewritten, not atomically), and
 * refuses folders, block devices, sockets and links leading nowhere.
 *
 * Folders opened once.  sp_dir_open_sub opens a folder inside another
 * with O_DIRECTORY|O_NOFOLLOW, and sp_afile_openat creates, writes and
 * renames relative to that descriptor (openat, renameat, unlinkat): a
 * process that swaps the folder for a symbolic link after it was opened
 * does not redirect the files.
 *
 * Several files that change together: write each to its sp_afile, then
 * sp_afile_commit_all renames them only if every one was written and
 * flushed (otherwise none is renamed).  SIGINT, SIGTERM and SIGHUP are
 * held back while it renames; only a crash (or SIGKILL) between two of its
 * renames can leave the earlier files new and the later ones old.
 *
 * Interrupts: the temporary files being written are kept in a fixed-size,
 * lock-free registry so that a signal handler can remove them; call
 * sp_fsutil_cleanup_tempfiles() from your own handler, or let
 * sp_fsutil_install_signal_cleanup() install one.
 *
 * Who may include: devices (pdf), main, build orchestration, tests.
 * Ownership: an sp_afile is owned by the caller from sp_afile_open[at]
 * until exactly one of sp_afile_commit, sp_afile_commit_all or
 * sp_afile_abort, which free it; it keeps its own descriptor of the
 * folder.  The diagnostics list passed to sp_afile_open must outlive the
 * sp_afile.  Descriptors returned by sp_dir_open* belong to the caller
 * (close them).
 * Thread safety: independent files may be written from different threads;
 * one sp_afile belongs to one thread at a time.
 */
#ifndef SP_FSUTIL_H
#define SP_FSUTIL_H

#include <stddef.h>

#include "diag.h"

/* Writes LEN bytes of DATA to PATH atomically (see above).  Returns 0, or
 * -1 after reporting an SP_D_IO diagnostic into D. */
int sp_write_file_atomic(const char *path, const void *data, size_t len,
                         sp_diags *d);

/* Creates PATH and any missing parent folders (mode 0777 minus the umask);
 * an existing folder is fine.  Returns 0, or -1 after reporting SP_D_IO
 * (for example "not a directory" when a component is a file). */
int sp_mkdir_p(const char *path, sp_diags *d);

/* Streaming form of sp_write_file_atomic, for output produced in pieces.
 * sp_afile_open creates the temporary file (NULL after reporting on
 * failure); sp_afile_write appends (0 or -1 after reporting; after a
 * failure later writes fail too and commit aborts); sp_afile_commit
 * fsyncs, closes and renames into place (0, or -1 after reporting and
 * removing the temporary file); sp_afile_abort removes the temporary file
 * without reporting anything.  Commit and abort free F. */
typedef struct sp_afile sp_afile;
sp_afile *sp_afile_open(const char *path, sp_diags *d);
int sp_afile_write(sp_afile *f, const void *data, size_t len);
int sp_afile_commit(sp_afile *f);
void sp_afile_abort(sp_afile *f);

/* The same inside the folder DIRFD (named DIR_PATH in messages; NAME is
 * one file name, no slash).  The target is never followed or replaced
 * when it is not a regular file (see above). */
sp_afile *sp_afile_openat(int dirfd, const char *dir_path, const char *name,
                          sp_diags *d);
int sp_write_file_atomicat(int dirfd, const char *dir_path, const char *name,
                           const void *data, size_t len, sp_diags *d);

/* Flushes (fsync) and closes F's temporary file without renaming it: 0,
 * or -1 after reporting.  F still needs a commit or an abort. */
int sp_afile_close(sp_afile *f);

/* Closes the N files (NULL entries are skipped) and, only if all of them
 * were written and closed without error, renames each into place in
 * order (so put the file that says "complete", a stamp, last).  Frees
 * every file and removes every temporary file left.  0, or -1 after
 * reporting. */
int sp_afile_commit_all(sp_afile **files, size_t n);

/* Opens the folder PATH (a user's output folder: it may be a symbolic link
 * to a folder), creating it and its parents if missing.  Returns a
 * descriptor (O_DIRECTORY, close-on-exec), or -1 after reporting (a link
 * leading nowhere is named as such). */
int sp_dir_open(const char *path, sp_diags *d);

/* Creates NAME inside the folder DIRFD (DIR_PATH in messages) if missing
 * and opens it with O_DIRECTORY|O_NOFOLLOW.  A symbolic link there is
 * refused (SP_D_USAGE: "refusing to write through a symbolic link").
 * Returns a descriptor, or -1 after reporting. */
int sp_dir_open_sub(int dirfd, const char *dir_path, const char *name,
                    sp_diags *d);

/* Removes every temporary file currently being written.  Async-signal-
 * safe: only reads lock-free atomics and static buffers and calls
 * unlink(2), so it may be called from a signal handler. */
void sp_fsutil_cleanup_tempfiles(void);

/* Installs handlers for SIGINT, SIGTERM and SIGHUP that call
 * sp_fsutil_cleanup_tempfiles(), restore the default action and re-raise
 * the signal (so the exit status still says "killed by SIGINT").
 * Returns 0, or -1 if sigaction failed. */
int sp_fsutil_install_signal_cleanup(void);

/* Input files read whole (fonts).  sp_map_file maps PATH read-only when it
 * is a non-empty regular file (pages are read as they are touched, with no
 * copy) and otherwise reads it into malloc'd memory; files larger than MAX
 * bytes are refused with errno EFBIG.  Returns the bytes and sets *SIZE and
 * *MAPPED, or NULL with errno set.  The bytes are read-only.  The caller
 * owns them until sp_unmap_file (with the same SIZE and MAPPED).  Like any
 * mapping, a file truncated by another process while mapped would fault
 * (SIGBUS) when its lost pages are touched: use it for inputs that do not
 * change under a running build (the fonts), not for sources. */
const unsigned char *sp_map_file(const char *path, size_t max, size_t *size,
                                 int *mapped);
void sp_unmap_file(const unsigned char *data, size_t size, int mapped);

/* The folder holding the running program (/proc/self/exe, else ARGV0
 * if it names a path), malloc'd, or NULL.  Used to find the installed
 * fonts and message catalogues. */
char *sp_exe_dir(const char *argv0);

/* DIR/NAME, or NAME when it is absolute or DIR is NULL or empty;
 * malloc'd, or NULL when out of memory. */
char *sp_join_path(const char *dir, const char *name);

/* A data folder, malloc'd: $ENV_NAME when set and not empty, else the
 * first of the program's folder + REL[i] (i < N_REL) that OK accepts,
 * else a copy of FALLBACK (NULL if it is NULL).  The installed fonts and
 * message catalogues are found so. */
char *sp_find_data_dir(const char *env_name, const char *argv0,
                       const char *const *rel, size_t n_rel,
                       int (*ok)(const char *dir), const char *fallback);

#endif
