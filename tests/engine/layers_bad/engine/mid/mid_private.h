/* mid_private.h - the middle layer's own header. */
