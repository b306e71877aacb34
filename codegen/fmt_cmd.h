/*
 * fmt_cmd.h — the `wyn fmt` subcommand (files, folders, --check); the
 * layout itself is front/fmt.h.
 */
#ifndef WYN_FMT_CMD_H
#define WYN_FMT_CMD_H

/* argv: the words after `fmt`.  Returns the exit status. */
int fmt_command(int argc, char **argv);

#endif
