/*
 * tool_path.h - the one way the ddp tools build a path from a folder and a name, so that
 * every tool writes "folder/name" alike: no slash is doubled and an empty folder means
 * the name alone.
 */
#ifndef DDP_TOOL_PATH_H
#define DDP_TOOL_PATH_H

/* "folder/name" (malloc'd; NULL when out of memory): folder "" gives name, a folder
 * ending in '/' ("/", "dir/") gets no second one. */
char *tool_path_join(const char *folder, const char *name);

#endif
