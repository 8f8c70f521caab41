/* high_private.h - the top layer's own header. */
