/* loose.c - a source directly in the engine folder, in no layer. */
