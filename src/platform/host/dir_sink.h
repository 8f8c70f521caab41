/*
 * dir_sink.h - a store sink (ddp/store_builder.h) writing the store's files under a
 * directory root: backslashes become '/', folders are created as needed. Used by
 * ddp-mkstore; lives with the platform code because it calls the file system.
 */
#ifndef DDP_DIR_SINK_H
#define DDP_DIR_SINK_H

#include "ddp/store_builder.h"

ddp_status ddp_dir_sink_init(ddp_sink *sink, const char *root);
void ddp_dir_sink_cleanup(ddp_sink *sink);

#endif
