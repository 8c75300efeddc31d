/*
 * Subcommands of the careday command, each in its own file; cli.c dispatches.
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit code (see adapters.h).
 */
#ifndef CAREDAY_COMMANDS_H
#define CAREDAY_COMMANDS_H

int cli_plan(int argc, char **argv);     /* cli.c */
int cli_check(int argc, char **argv);    /* cli.c */
int cli_calendar(int argc, char **argv); /* cmd_calendar.c: `calendar expand` */
int cli_publish(int argc, char **argv);  /* cmd_publish.c: `publish OUT --caldav URL` */
int cli_gen(int argc, char **argv);      /* cmd_gen.c: `gen --families N --seed S -o DIR` */
int cli_batch(int argc, char **argv);    /* cmd_batch.c: `batch CASELOAD.json -o OUT` */
int cli_confirm(int argc, char **argv);  /* cmd_replan.c: `confirm OUT VISIT...` */
int cli_cancel(int argc, char **argv);   /* cmd_replan.c: `cancel OUT VISIT...` */

#endif
