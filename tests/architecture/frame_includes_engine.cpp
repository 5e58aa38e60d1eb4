// Must not compile: the frame part may not reach into the engine, which
// depends on it. tests/architecture.cmake builds this and expects the include
// below to be the error.
#include "engine/engine.h"
