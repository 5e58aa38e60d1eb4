// Must not compile: the Delta log reader is engine-free.
#include "engine/session_state.h"
