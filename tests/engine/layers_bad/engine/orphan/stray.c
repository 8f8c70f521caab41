/* stray.c - a source in a folder of the engine that no layer names. */
