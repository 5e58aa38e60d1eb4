// Must not compile: programs built on the library (the CLI, the examples, a
// user's catalog) see the public headers only.
#include "storage/s3/sigv4.h"
