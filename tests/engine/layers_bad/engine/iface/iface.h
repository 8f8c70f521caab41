/* iface.h - the interface header of a layer that exports its folder. */
