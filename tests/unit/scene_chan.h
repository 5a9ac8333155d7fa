/* A channel scene for the unit tests and fuzzers: main.gChan of the
 * structs test program, a chan int of capacity 4 holding 7, 8 (recvx 1,
 * sendx 3), its hchan laid out from the program's DWARF. */
#ifndef GL_SCENE_CHAN_H
#define GL_SCENE_CHAN_H

#include "fake_target.h"

/* Where the chan scene puts its hchan and ring buffer. */
#define A_HCHAN 0x40000000ull
#define A_CHANBUF 0x40001000ull

/* Map the hchan, its ring and main.gChan's pointer to it into ft (whose
 * executable is the structs program). */
void chan_scene_build(struct fake_target *ft);

#endif
