/*
 * plain_copy.h - the rest of the tree for ddp-restore --out: ordinary files are copied
 * as they are (runs of zeros left as holes, mode and times kept), symbolic links made
 * again with the same target, folders made (empty ones too), so that OUT receives the
 * whole tree from one command. --stubs-only leaves them out (file_list.h).
 */
#ifndef DDP_RESTORE_PLAIN_COPY_H
#define DDP_RESTORE_PLAIN_COPY_H

#include <stddef.h>
#include <stdio.h>

#include "file_list.h"

/* Copies every plain item of list; one "FAILED PATH: copy: REASON" line on err per item
 * that fails. *copied counts the files and links copied, *failed the items that failed. */
void plain_copy_all(const file_list *list, FILE *err, size_t *copied, size_t *failed);

#endif
