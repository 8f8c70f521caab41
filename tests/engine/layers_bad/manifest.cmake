# A layer table with violations on purpose (its engine folder is engine/), for the test
# native.engine_layers_rejects:
# check_engine_layers.cmake must report each one (expect_layer_violations.cmake lists them).
set(LAYERS low mid iface high)
set(PUBLIC_DIR include/ddp)
set(ENGINE_DIR engine)
set(LAYER_low_DIRS engine/low)
set(LAYER_low_HEADERS low.h)
set(LAYER_mid_DIRS engine/mid)
set(LAYER_mid_USES low)
set(LAYER_mid_HEADERS mid.h)
set(LAYER_iface_DIRS engine/iface)
set(LAYER_iface_USES low)
set(LAYER_iface_EXPORTS_DIR ON)
set(LAYER_high_DIRS engine/high)
set(LAYER_high_USES mid iface)
set(LAYER_high_HEADERS high.h)
set(PLATFORM_FILES engine/low/platform_back_end.c)
set(PLATFORM_HEADERS windows.h "sys/.*")
