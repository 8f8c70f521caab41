/* orphan.h - a public header no layer owns. */
