/*
 * file_list_writer.h - the store builder's DedupFileList.1 / .2 (see file_list_writer.c).
 */
#ifndef DDP_STORE_FILE_LIST_WRITER_H
#define DDP_STORE_FILE_LIST_WRITER_H

#include "container_writer.h"

/* Writes both copies into store_dir ("\...\{GUID}.ddp"), listing the containers of
 * data and stream (finished writers). */
ddp_status ddp_file_list_write(const ddp_sink *sink, const char *store_dir, const ddp_container_writer *data,
                               const ddp_container_writer *stream);

#endif
