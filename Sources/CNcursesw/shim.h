#define _XOPEN_SOURCE_EXTENDED 1
#include <ncursesw/curses.h>
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>

/* The standard screen, read through a function: Swift 6 refuses to name the mutable global. */
static inline WINDOW *pe_stdscr(void) { return stdscr; }
static inline int pe_color_pairs(void) { return COLOR_PAIRS; }
static inline int pe_colors(void) { return COLORS; }
/* A screen on the process's own terminal: newterm returns NULL (where initscr would exit) for an unknown TERM. */
static inline SCREEN *pe_newterm(void) { return newterm(NULL, stdout, stdin); }

