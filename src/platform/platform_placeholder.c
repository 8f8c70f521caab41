/* platform_placeholder.c - keeps ddp_platform non-empty until its first source lands. */
typedef int ddp_platform_placeholder_t;
