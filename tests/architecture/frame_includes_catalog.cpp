// Must compile: the frame part may use the catalog part's headers. The control
// for frame_includes_engine.cpp, so that its failure is known to come from the
// include and not from the set-up.
#include "catalog/filter_sql.h"
