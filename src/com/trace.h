/*
 * trace.h - a debug channel for the COM server, off by default. Set the environment
 * variable DDPBACKUP_DEBUG=1 to get a line on stderr (and the debugger) at every entry point.
 */
#ifndef DDP_COM_TRACE_H
#define DDP_COM_TRACE_H

void ddp_trace(const char *func, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#define TRACE(...) ddp_trace(__func__, __VA_ARGS__)

#endif
